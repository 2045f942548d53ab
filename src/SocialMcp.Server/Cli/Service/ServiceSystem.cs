using System.Collections;
using System.Diagnostics;

namespace SocialMcp.Server.Cli.Service;

public enum ServiceOs
{
    Linux,
    MacOs,
    Windows,
}

/// <summary>What an OS command answered: its exit code and what it printed (stdout, then stderr).</summary>
public sealed record CommandResult(int ExitCode, string Output);

/// <summary>
/// The operating system as <c>socialmcp service</c> uses it: where the user's home is, the environment, and the commands it
/// runs (systemctl, launchctl, sc.exe). Tests pass their own, with a temporary home, and check the commands issued.
/// </summary>
public interface IServiceSystem
{
    ServiceOs Os { get; }

    string HomeDirectory { get; }

    IReadOnlyDictionary<string, string> Environment { get; }

    Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken);
}

/// <summary>The real operating system.</summary>
public sealed class OperatingSystemServiceSystem : IServiceSystem
{
    // A hung systemctl or sc.exe must not hang the command forever.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);

    public ServiceOs Os { get; } = OperatingSystem.IsWindows() ? ServiceOs.Windows : OperatingSystem.IsMacOS() ? ServiceOs.MacOs : ServiceOs.Linux;

    public string HomeDirectory { get; } = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    public IReadOnlyDictionary<string, string> Environment { get; } = System.Environment.GetEnvironmentVariables()
        .Cast<DictionaryEntry>()
        .ToDictionary(e => (string)e.Key, e => e.Value as string ?? "", StringComparer.Ordinal);

    public async Task<CommandResult> RunAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start) ?? throw new InvalidOperationException($"{fileName} did not start.");
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(CommandTimeout);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return new CommandResult(process.ExitCode, ((await stdout) + (await stderr)).Trim());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed (no systemctl in a container, say): answered like a failed command, so the caller explains.
            return new CommandResult(127, $"{fileName} was not found on this system.");
        }
    }
}
