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
        return services;
    }

    /// <summary>The worker that fires scheduled posts. Server hosts (stdio and HTTP) add it; admin commands do not.</summary>
    public static IServiceCollection AddSocialScheduler(this IServiceCollection services)
    {
        services.AddSchedulerShared();
        services.AddHostedService<SchedulerWorker>();
        return services;
    }
}
