using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.Http;

namespace SocialMcp.Platforms.OAuth;

public static class OAuthHttpClients
{
    public const string PipelineName = "oauth-timeout";

    public static string NameOf(Platform platform) => "oauth-" + platform.ToWireName();

    /// <summary>
    /// <see cref="IPlatformOAuth"/> and one HttpClient per platform for its OAuth calls. These clients are not the
    /// platform's API clients: their pipeline is a per-attempt timeout (<c>Platforms:{p}:AttemptTimeout</c>, on the
    /// injected clock) and nothing else. No retry, because a token call that may have reached the platform must not be
    /// sent again by itself (a rotating refresh token sent twice kills the grant; a code is single-use). No circuit
    /// breaker, so a platform's failing API never blocks a refresh, nor the other way round. No HttpClient logging,
    /// because Meta's token URLs carry the secret and tokens in the query string (docs/decisions.md).
    /// </summary>
    public static IServiceCollection AddPlatformOAuth(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        foreach (var platform in PlatformNames.All)
        {
            var name = platform.ToWireName();
            services.AddOptions<PlatformOptions>(name).BindConfiguration($"Platforms:{name}");
            services.AddHttpClient(NameOf(platform))
                .RemoveAllLoggers()
                .AddResilienceHandler(PipelineName, (pipeline, context) =>
                {
                    pipeline.TimeProvider = context.ServiceProvider.GetRequiredService<TimeProvider>();
                    pipeline.AddTimeout(context.ServiceProvider.GetRequiredService<IOptionsMonitor<PlatformOptions>>().Get(name).AttemptTimeout);
                });
        }
        services.TryAddSingleton<IPlatformOAuth, PlatformOAuth>();
        return services;
    }
}
