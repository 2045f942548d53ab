using System.Diagnostics;
using System.Text;

namespace SocialMcp.Packaging.Tests.Support;

public sealed record CliResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() =>
        $"`{Command}` exited {ExitCode}\n--- stdout ---\n{StandardOutput}\n--- stderr ---\n{StandardError}";
}

/// <summary>
/// Runs command lines with a time limit; a command that overruns has its whole process tree killed and fails the
/// test with what it printed so far.
/// </summary>
internal static class Cli
{
    // MSBuild's worker nodes and the compiler server outlive `dotnet pack`/`publish` and keep its output pipes
    // open, so "exited" means the process exited, and its output is then awaited this long at most.
    internal static TimeSpan DrainAfterExit { get; } = TimeSpan.FromSeconds(5);

    // Set by the `dotnet test` running these tests; a nested build must locate its SDK by itself.
    private static readonly string[] InheritedBuildVariables =
        ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"];

    /// <summary>The folder of the running .NET runtime's <c>dotnet</c>: apphosts (a tool's shim) need it in DOTNET_ROOT.</summary>
    public static string DotnetRoot { get; } =
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "..", "..", ".."));

    public static Task<CliResult> DotnetAsync(IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) =>
        RunAsync("dotnet", arguments, timeout, environment);

    public static async Task<CliResult> RunAsync(string fileName, IEnumerable<string> arguments, TimeSpan timeout,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        using var running = RunningProcess.Start(fileName, arguments, environment);
        if (!await running.WaitForExitAsync(timeout))
        {
            var partial = await running.StopAsync();
            throw new TimeoutException($"Killed after {timeout}: {partial}");
        }
        return await running.ResultAsync();
    }

    internal static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = Repo.Root,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var name in InheritedBuildVariables)
            info.Environment.Remove(name);
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ROOT")))
            info.Environment["DOTNET_ROOT"] = DotnetRoot;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        return info;
    }
}

/// <summary>A started command whose output is collected line by line, so a killed one still shows what it printed.</summary>
public sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private RunningProcess(Process process, string command)
    {
        _process = process;
        Command = command;
    }

    public string Command { get; }

    public bool HasExited => _process.HasExited;

    public static RunningProcess Start(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = Cli.StartInfo(fileName, arguments, environment);
        var process = new Process { StartInfo = info };
        var running = new RunningProcess(process, $"{fileName} {string.Join(' ', info.ArgumentList)}");
        process.OutputDataReceived += (_, e) => Append(running._stdout, running._stdoutClosed, e.Data);
        process.ErrorDataReceived += (_, e) => Append(running._stderr, running._stderrClosed, e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return running;
    }

    /// <summary>True once the process has exited; false if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        // Not Process.WaitForExitAsync: it also waits for the output pipes to close (see Cli.DrainAfterExit).
        var clock = Stopwatch.StartNew();
        while (!_process.HasExited)
        {
            if (clock.Elapsed >= timeout)
                return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>Kills the process tree if it still runs and returns what it printed.</summary>
    public async Task<CliResult> StopAsync()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        return await ResultAsync();
    }

    public async Task<CliResult> ResultAsync()
    {
        await Task.WhenAny(Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task), Task.Delay(Cli.DrainAfterExit));
        var exitCode = _process.HasExited ? _process.ExitCode : -1;
        return new CliResult(Command, exitCode, Snapshot(_stdout), Snapshot(_stderr));
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
            return output.ToString();
    }

    private static void Append(StringBuilder output, TaskCompletionSource closed, string? line)
    {
        if (line is null)
        {
            closed.TrySetResult();
            return;
        }
        lock (output)
            output.AppendLine(line);
    }
}
