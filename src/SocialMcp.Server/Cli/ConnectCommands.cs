using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Accounts;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Workspaces;
using SocialMcp.Server.OAuth;

namespace SocialMcp.Server.Cli;

/// <summary>What <c>accounts connect</c> was asked for, in the OAuth (loopback) form.</summary>
public sealed record LoopbackConnectArguments(
    string Workspace,
    Platform Platform,
    string? PlatformSetName,
    int Port,
    bool OpenBrowser,
    string? IdentityId,
    TimeSpan Timeout);

/// <summary>
/// <c>accounts connect</c> (the platform's OAuth through a loopback redirect, like <c>gh auth login</c>; or, with
/// <c>--token</c>, a token minted elsewhere) and <c>accounts connect-link</c> (a signed link for a deployed server).
/// </summary>
public static class ConnectCommands
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(10);

    public static Command Connect(Option<string?> db)
    {
        var workspace = WorkspaceOption();
        var platform = PlatformOption();
        var set = new Option<string?>("--set") { Description = "Platform set name (default: the workspace's default set); a new name creates the set." };
        var port = new Option<int>("--port")
        {
            Description = "Loopback port for the platform's redirect (0: a free one). Platforms that need the exact registered redirect (X) need a fixed port.",
            DefaultValueFactory = _ => 0,
        };
        var noBrowser = new Option<bool>("--no-browser") { Description = "Only print the authorization URL; do not open a browser." };
        var identity = new Option<string?>("--identity") { Description = "When the sign-in can publish as several identities (Facebook Pages, Amazon profiles): the platform account id to connect." };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait for the browser to come back: 90s, 10m, 1h.", DefaultValueFactory = _ => "10m" };
        var token = new Option<string?>("--token") { Description = "Paste a token minted elsewhere instead of signing in: checked with the platform, then stored encrypted." };
        var baseUrl = new Option<string?>("--base-url") { Description = "With --token: API root to use instead of the platform's (e.g. the local emulator)." };
        var expiresAt = new Option<DateTimeOffset?>("--expires-at") { Description = "With --token: when the token expires (ISO 8601), for token health." };
        var command = new Command("connect",
            "Connect a real account: sign in with the platform in a browser (a loopback redirect on 127.0.0.1), or paste a token with --token.")
            { workspace, platform, set, port, noBrowser, identity, timeout, token, baseUrl, expiresAt };

        command.SetAction((result, ct) => AdminCommands.RunAsync(result.GetValue(db), async services =>
        {
            var which = ParsePlatform(result.GetValue(platform));
            if (result.GetValue(token) is { } pasted)
                return await PasteTokenAsync(services, result.GetValue(workspace)!, which, pasted, result.GetValue(set), result.GetValue(baseUrl), result.GetValue(expiresAt), ct);

            var arguments = new LoopbackConnectArguments(result.GetValue(workspace)!, which, result.GetValue(set), result.GetValue(port),
                !result.GetValue(noBrowser), result.GetValue(identity), ParseDuration(result.GetValue(timeout)!));
            return await RunLoopbackAsync(services, arguments, Console.Out, Console.In, Browser.TryOpen, ct);
        }, ct));
        return command;
    }

    public static Command ConnectLink(Option<string?> db)
    {
        var workspace = WorkspaceOption();
        var platform = PlatformOption();
        var set = new Option<string?>("--set") { Description = "Platform set name (default: the workspace's default set); a new name creates the set." };
        var command = new Command("connect-link",
            "Print a signed, short-lived link that connects an account through this server's /oauth/connect (needs OAuth:PublicBaseUrl).")
            { workspace, platform, set };
        command.SetAction((result, ct) => AdminCommands.RunAsync(result.GetValue(db), async services =>
        {
            var which = ParsePlatform(result.GetValue(platform));
            var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(result.GetValue(workspace)!, ct);
            EnsureConfigured(services, which);
            var links = services.GetRequiredService<ConnectLinks>();
            var link = links.LinkFor(new ConnectLinkPayload(target.Id, which, null, result.GetValue(set)))
                ?? throw new DomainValidationException([new Problem(ErrorCodes.PlatformNotConfigured,
                    "OAuth:PublicBaseUrl is not set, so this server has no address for a connect link.", "$.OAuth.PublicBaseUrl",
                    Hint: "Set OAuth:PublicBaseUrl (SOCIALMCP_OAuth__PublicBaseUrl) to the server's public https address, or connect at this machine with `accounts connect`.")]);
            Console.WriteLine(link.AbsoluteUri);
            await Console.Error.WriteLineAsync($"The link connects {which.ToWireName()} to workspace {target.Name}; it works for {links.Lifetime.TotalMinutes:0} minutes.");
            return 0;
        }, ct));
        return command;
    }

    /// <summary>
    /// The loopback connect: listen on 127.0.0.1, start the connect with that redirect, show (and open) the authorization
    /// URL, wait for the one redirect, then choose an identity when there are several. Returns the exit code.
    /// </summary>
    public static async Task<int> RunLoopbackAsync(IServiceProvider services, LoopbackConnectArguments arguments, TextWriter output, TextReader input,
        Func<Uri, bool> openBrowser, CancellationToken cancellationToken)
    {
        var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(arguments.Workspace, cancellationToken);
        var flow = services.GetRequiredService<IAccountConnectFlow>();
        var time = services.GetRequiredService<TimeProvider>();

        await using var listener = await LoopbackRedirectListener.StartAsync(arguments.Port, arguments.Platform,
            (state, code, error, description, ct) => flow.CompleteAsync(arguments.Platform, state, code, error, description, ct), cancellationToken);
        var started = await flow.StartAsync(new ConnectRequest
        {
            WorkspaceId = target.Id,
            Platform = arguments.Platform,
            PlatformSetName = arguments.PlatformSetName,
            RedirectUri = listener.RedirectUri,
            Channel = ConnectChannel.Cli,
        }, cancellationToken);

        await output.WriteLineAsync($"Sign in to {arguments.Platform.ToWireName()} and approve access. Open this URL in a browser:");
        await output.WriteLineAsync(started.AuthorizationUrl.AbsoluteUri);
        if (arguments.OpenBrowser && openBrowser(started.AuthorizationUrl))
            await output.WriteLineAsync("(Opened it in your browser.)");
        await output.WriteLineAsync($"Waiting for the redirect to {listener.RedirectUri.GetLeftPart(UriPartial.Path)} …");

        var timeout = arguments.Timeout < started.ExpiresAt - time.GetUtcNow() ? arguments.Timeout : started.ExpiresAt - time.GetUtcNow();
        var result = await listener.WaitAsync(timeout, time, cancellationToken);
        if (result is null)
        {
            await output.WriteLineAsync($"No answer from the browser within {timeout.TotalMinutes:0.#} minutes; nothing was connected. Run the command again.");
            return 1;
        }

        if (result.Status == ConnectStatus.ChoiceRequired)
        {
            var chosen = arguments.IdentityId ?? await AskIdentityAsync(result, output, input);
            if (chosen is null)
            {
                await output.WriteLineAsync("No identity chosen; nothing was connected. Run again with --identity <id>.");
                return 1;
            }
            result = await flow.ChooseAsync(target.Id, result.ConnectionId, chosen, cancellationToken);
        }

        await output.WriteLineAsync(ConnectOutcome.Describe(result));
        if (result.Status == ConnectStatus.Connected && result.Account is { } account)
            await output.WriteLineAsync($"Account id {account.Id}.");
        return result.Status == ConnectStatus.Connected ? 0 : 1;
    }

    private static async Task<string?> AskIdentityAsync(ConnectResult result, TextWriter output, TextReader input)
    {
        await output.WriteLineAsync(ConnectOutcome.Describe(result));
        for (var i = 0; i < result.Choices.Count; i++)
        {
            var choice = result.Choices[i];
            await output.WriteLineAsync($"  {i + 1}. {ConnectOutcome.Handle(choice.Handle)}{(choice.DisplayName is { Length: > 0 } name ? $" ({name})" : "")}  id {choice.PlatformAccountId}");
        }
        await output.WriteAsync($"Connect which one? [1-{result.Choices.Count}] ");
        await output.FlushAsync();
        var answer = (await input.ReadLineAsync())?.Trim();
        if (string.IsNullOrEmpty(answer))
            return null;
        if (int.TryParse(answer, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= result.Choices.Count)
            return result.Choices[number - 1].PlatformAccountId;
        return result.Choices.FirstOrDefault(c => c.PlatformAccountId == answer)?.PlatformAccountId;
    }

    private static async Task<int> PasteTokenAsync(IServiceProvider services, string workspace, Platform platform, string token, string? set,
        string? baseUrl, DateTimeOffset? expiresAt, CancellationToken cancellationToken)
    {
        Uri? api = null;
        if (baseUrl is not null && !Uri.TryCreate(baseUrl, UriKind.Absolute, out api))
            throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, $"--base-url '{baseUrl}' is not an absolute URL.", "$.baseUrl")]);
        var target = await services.GetRequiredService<WorkspaceService>().ResolveAsync(workspace, cancellationToken);
        var account = await services.GetRequiredService<AccountConnections>().ConnectAsync(
            new ConnectAccountCommand(target.Id, platform, token, set, api, expiresAt), cancellationToken);
        Console.WriteLine($"Connected {account.Platform.ToWireName()} account {account.Handle} ({account.PlatformAccountId}) as {account.Id}.");
        return 0;
    }

    /// <summary>Fails early, naming the settings, when the platform has no app credentials.</summary>
    private static void EnsureConfigured(IServiceProvider services, Platform platform)
    {
        if (services.GetService<IPlatformOAuth>() is { } oauth && !oauth.IsConfigured(platform))
        {
            throw new DomainValidationException([new Problem(ErrorCodes.PlatformNotConfigured,
                $"This server has no app credentials for {platform.ToWireName()}.", "$.platform", platform,
                Hint: $"Set {string.Join(" and ", oauth.RequiredSettings(platform))} (environment SOCIALMCP_Platforms__{platform.ToWireName()}__ClientId, or user secrets).")]);
        }
    }

    private static Option<string> WorkspaceOption() =>
        new("--workspace") { Description = "Workspace id or name.", DefaultValueFactory = _ => LocalWorkspace.Id };

    private static Option<string> PlatformOption() =>
        new("--platform") { Description = $"One of: {string.Join(", ", PlatformNames.AllWireNames)}.", Required = true };

    private static Platform ParsePlatform(string? name) => PlatformNames.TryParse(name, out var which)
        ? which.Value
        : throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, $"Unknown platform '{name}'.", "$.platform")]);

    /// <summary>90s, 10m, 1h, or a TimeSpan (00:10:00).</summary>
    public static TimeSpan ParseDuration(string text)
    {
        text = text.Trim();
        if (text.Length > 1 && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) && amount > 0)
        {
            TimeSpan? parsed = char.ToLowerInvariant(text[^1]) switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => null,
            };
            if (parsed is { } duration)
                return duration;
        }
        if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
            return span;
        throw new DomainValidationException([new Problem(ErrorCodes.ValidationFailed, $"--timeout '{text}' is not a duration such as 90s, 10m or 1h.", "$.timeout")]);
    }
}

/// <summary>Opens a URL in the person's browser when there is one; never fails (a server or a container has none).</summary>
public static class Browser
{
    public static bool TryOpen(Uri url)
    {
        try
        {
            ProcessStartInfo? start = null;
            if (Environment.GetEnvironmentVariable("BROWSER") is { Length: > 0 } browser)
                start = new ProcessStartInfo(browser);
            else if (OperatingSystem.IsWindows())
                start = new ProcessStartInfo(url.AbsoluteUri) { UseShellExecute = true };
            else if (OperatingSystem.IsMacOS())
                start = new ProcessStartInfo("open");
            else if (Environment.GetEnvironmentVariable("DISPLAY") is { Length: > 0 } || Environment.GetEnvironmentVariable("WAYLAND_DISPLAY") is { Length: > 0 })
                start = new ProcessStartInfo("xdg-open");
            if (start is null)
                return false;
            if (!start.UseShellExecute)
            {
                // An argument, never a shell line: the URL cannot run anything.
                start.ArgumentList.Add(url.AbsoluteUri);
                start.RedirectStandardOutput = true;
                start.RedirectStandardError = true;
            }
            using var process = Process.Start(start);
            return process is not null;
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return false;
        }
    }
}
