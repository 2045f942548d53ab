using System.CommandLine;
using SocialMcp.Core.Domain;
using SocialMcp.Emulator;
using SocialMcp.Emulator.OAuth;

namespace SocialMcp.Server.Cli;

/// <summary>
/// <c>socialmcp emulator --port N</c>: runs the local emulator of the eight platform APIs, for trying agent
/// workflows without posting for real. Prints each platform's base URL, its demo OAuth client and a demo token, then
/// runs until Ctrl+C. The OAuth flags (docs/emulator.md#switches) shorten lifetimes and make refreshes fail; each takes
/// <c>[platform=]value</c>, and without a platform applies to all.
/// </summary>
public static class EmulatorCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Port on 127.0.0.1 (0 picks a free one).", DefaultValueFactory = _ => 5081 };
        var accessLifetime = Scoped("--access-token-lifetime", "Access-token lifetime, e.g. 5s or x=10m (Meta: short- and long-lived tokens).");
        var refreshLifetime = Scoped("--refresh-token-lifetime", "Refresh-token lifetime, e.g. tiktok=1h.");
        var codeLifetime = Scoped("--code-lifetime", "Authorization-code lifetime, e.g. x=30s.");
        var failRefreshes = Scoped("--fail-refreshes", "The next N refreshes answer the dead-grant error, e.g. 3 or x=1.");
        var tokenErrors = Scoped("--token-endpoint-errors", "The next N token-endpoint calls answer 503, e.g. youtube=2.");
        var tokenDelay = Scoped("--token-endpoint-delay", "Every token-endpoint call waits this long first, e.g. 3s or tiktok=40s.");
        var decline = new Option<string[]>("--decline-consent")
        {
            Description = "The demo user declines consent (error=access_denied) on these platforms, or on all when none is named.",
            Arity = ArgumentArity.ZeroOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var linkedInNonPartner = new Option<bool>("--linkedin-non-partner")
        {
            Description = "The demo LinkedIn app is not a Marketing Developer Platform partner: no refresh tokens, reconnect before 60 days.",
        };
        var command = new Command("emulator", "Run a local emulator of the platform APIs and their OAuth endpoints (loopback only).")
        {
            port, accessLifetime, refreshLifetime, codeLifetime, failRefreshes, tokenErrors, tokenDelay, decline, linkedInNonPartner,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            await using var emulator = await PlatformEmulator.StartAsync(result.GetValue(port), cancellationToken: cancellationToken);
            try
            {
                var oauth = emulator.OAuth;
                foreach (var (platform, value) in Values(result, accessLifetime))
                    oauth.SetAccessTokenLifetime(OAuthSwitches.ParseDuration(value), platform);
                foreach (var (platform, value) in Values(result, refreshLifetime))
                    oauth.SetRefreshTokenLifetime(OAuthSwitches.ParseDuration(value), platform);
                foreach (var (platform, value) in Values(result, codeLifetime))
                {
                    foreach (var one in OAuthSwitches.PlatformsOf(platform))
                        oauth.Settings(one).CodeLifetime = OAuthSwitches.ParseDuration(value);
                }
                foreach (var (platform, value) in Values(result, failRefreshes))
                {
                    foreach (var one in OAuthSwitches.PlatformsOf(platform))
                        oauth.FailNextRefreshes(one, OAuthSwitches.ParseCount(value));
                }
                foreach (var (platform, value) in Values(result, tokenErrors))
                {
                    foreach (var one in OAuthSwitches.PlatformsOf(platform))
                        emulator.Faults.FailTokenEndpoint(one, times: OAuthSwitches.ParseCount(value));
                }
                foreach (var (platform, value) in Values(result, tokenDelay))
                {
                    // "Every call": a long queue of one-shot delays, enough for any interactive session.
                    foreach (var one in OAuthSwitches.PlatformsOf(platform))
                        emulator.Faults.DelayTokenEndpoint(one, OAuthSwitches.ParseDuration(value), times: 100_000);
                }
                if (result.GetResult(decline) is not null)
                {
                    var named = result.GetValue(decline) ?? [];
                    if (named.Length == 0)
                        oauth.DeclineConsent();
                    foreach (var name in named)
                        oauth.DeclineConsent(platform: PlatformNames.Parse(name.Trim().ToLowerInvariant()));
                }
                if (result.GetValue(linkedInNonPartner))
                    oauth.RegisterClient(oauth.DemoClient(Platform.LinkedIn) with { IsPartner = false });
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                Console.Error.WriteLine(ex.Message);
                return 2;
            }

            Console.WriteLine($"Platform emulator listening on {emulator.Root}");
            foreach (var module in PlatformEmulator.Modules)
            {
                var token = emulator.State.IssueToken(module.Platform, "demo-" + module.Platform.ToWireName(), "demo");
                Console.WriteLine($"{module.Platform.ToWireName(),-10} {emulator.BaseUrlOf(module.Platform)}  token {token.Token}");
                Console.WriteLine($"{"",-10} OAuth client id {OAuthClient.DemoClientId(module.Platform)} (its secret is the id followed by -secret), "
                    + $"authorize at {new Uri(emulator.BaseUrlOf(module.Platform), OAuthRoutes.AuthorizePath(module.Platform))}");
            }
            Console.WriteLine("Connect an account to it with: socialmcp accounts connect --platform x --token <token> --base-url <url>");
            Console.WriteLine("or with OAuth: set Platforms:{platform}:ClientId and ClientSecret to the demo client's (docs/emulator.md).");
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

    private static Option<string[]> Scoped(string name, string description) => new(name)
    {
        Description = description + " Repeatable.",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private static IEnumerable<(Platform? Platform, string Value)> Values(ParseResult result, Option<string[]> option) =>
        (result.GetValue(option) ?? []).Select(OAuthSwitches.ParseScoped);
}
