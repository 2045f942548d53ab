using System.CommandLine;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;

namespace SocialMcp.Server.Cli;

/// <summary>
/// <c>socialmcp emulator --port N</c>: runs the local emulator of the eight platform APIs, for trying agent
/// workflows without posting for real. Prints each platform's base URL and a demo token, then runs until Ctrl+C.
/// </summary>
public static class EmulatorCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 5081 };
        var command = new Command("emulator", "Run a local emulator of the platform APIs (loopback only).") { port };
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var emulator = await PlatformEmulator.StartAsync(result.GetValue(port), cancellationToken: cancellationToken);
            Console.WriteLine($"Platform emulator listening on {emulator.Root}");
            foreach (var module in PlatformEmulator.Modules)
            {
                var token = emulator.State.IssueToken(module.Platform, "demo-" + module.Platform.ToWireName(), "demo");
                Console.WriteLine($"{module.Platform.ToWireName(),-10} {emulator.BaseUrlOf(module.Platform)}  token {token.Token}");
            }
            Console.WriteLine("Connect an account to it with: socialmcp accounts connect --platform x --token <token> --base-url <url>");
            Console.WriteLine("Press Ctrl+C to stop.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
            return 0;
        });
        return command;
    }
}
