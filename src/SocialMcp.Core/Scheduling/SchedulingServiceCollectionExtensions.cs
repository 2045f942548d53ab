using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SocialMcp.Core.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// What every host has (with <c>AddSocialCore()</c>): the signal the post service pokes, the publish concurrency
    /// bounds and the status a health report reads. Without the worker the status says not started.
    /// </summary>
    public static IServiceCollection AddSchedulerShared(this IServiceCollection services)
    {
        services.TryAddSingleton<SchedulerSignal>();
        services.TryAddSingleton<ISchedulerSignal>(sp => sp.GetRequiredService<SchedulerSignal>());
        services.TryAddSingleton<PublishConcurrency>();
        services.TryAddSingleton<PublisherIdentity>();
        services.TryAddSingleton<SchedulerStatus>();
        services.TryAddSingleton<SchedulerHealth>();
        services.TryAddSingleton(SchedulerRole.LongLivedServer);
        services.TryAddSingleton<RunnerPresence>();
        services.TryAddSingleton<OverdueAlarm>();
        services.TryAddSingleton<Publishing.PublicationVerifier>();
        return services;
    }

    /// <summary>
    /// The worker that fires scheduled posts, and its heartbeat. Server hosts (stdio and HTTP) and <c>service run</c> add it;
    /// admin commands do not. <paramref name="role"/> (default: a long-lived server) names the runner's kind and whether it
    /// leaves due posts to a live background service.
    /// </summary>
    public static IServiceCollection AddSocialScheduler(this IServiceCollection services, SchedulerRole? role = null)
    {
        services.Replace(ServiceDescriptor.Singleton(role ?? SchedulerRole.LongLivedServer));
        services.AddSchedulerShared();
        services.AddHostedService<SchedulerWorker>();
        // Webhook deliveries go out wherever scheduled posts are fired (servers and the background service).
        services.AddHostedService<Webhooks.WebhookDeliveryWorker>();

        // Read-backs of published posts (issue 16) run wherever the scheduler does.
        services.AddHostedService<Publishing.VerificationWorker>();
        services.TryAddSingleton<RunnerHeartbeat>();
        services.AddHostedService(sp => sp.GetRequiredService<RunnerHeartbeat>());
        return services;
    }
}
