using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.Platforms.Sandbox;

namespace SocialMcp.Server.Hosting;

/// <summary>
/// The platform emulator that sandbox accounts publish to, in-process on an ephemeral 127.0.0.1 port. Started on the
/// first sandbox publish (not at start-up, which stays fast), stopped with the host. It answers like the platforms
/// (https://x.com/… permalinks, ids that restart with each process); <see cref="SandboxPublisher"/> turns those into
/// unique sbx- ids and sandbox:// URLs before anything is stored or returned.
/// <para>
/// <c>Sandbox:EmulatorUrl</c> (the root a standalone <c>socialmcp emulator</c> prints) sends sandbox publishing there instead,
/// so several server processes on one database publish to one emulator that counts every post in one place.
/// </para>
/// </summary>
public sealed class EmulatedSandbox(TimeProvider time, IConfiguration configuration) : ISandboxApi, IAsyncDisposable
{
    public const string EmulatorUrlKey = "Sandbox:EmulatorUrl";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Uri? _external = configuration[EmulatorUrlKey] is { Length: > 0 } url
        ? new Uri(url.EndsWith('/') ? url : url + "/", UriKind.Absolute)
        : null;
    private PlatformEmulator? _emulator;

    /// <summary>The emulator once the first sandbox publish started it: tests read what it received (media checksums).</summary>
    internal PlatformEmulator? Started => _emulator;

    public async ValueTask<Uri> BaseUrlAsync(Platform platform, CancellationToken cancellationToken) =>
        _external is { } root
            ? new Uri(root, platform.ToWireName() + "/")
            : (await EnsureStartedAsync(cancellationToken)).BaseUrlOf(platform);

    private async ValueTask<PlatformEmulator> EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_emulator is { } started)
            return started;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_emulator is null)
            {
                var emulator = await PlatformEmulator.StartAsync(time: time, cancellationToken: cancellationToken);
                emulator.State.AcceptSandboxTokens = true;
                _emulator = emulator;
            }
            return _emulator;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_emulator is not null)
            await _emulator.DisposeAsync();
        _gate.Dispose();
    }
}

public static class EmulatedSandboxExtensions
{
    /// <summary>Sandbox accounts publish through the real adapters against an in-process emulator.</summary>
    public static IServiceCollection AddEmulatedSandbox(this IServiceCollection services) =>
        services.AddSingleton<ISandboxApi, EmulatedSandbox>();
}
