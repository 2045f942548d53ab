using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// Runs <see cref="PublicationVerifier"/> in every process that runs the scheduler (the servers and <c>socialmcp service</c>):
/// reads back what is due, then sleeps through the <see cref="TimeProvider"/> until the next read-back is due, a minute at
/// most (posts published by another process meanwhile). Off with <c>Publishing:Verify=false</c>.
/// </summary>
public sealed class VerificationWorker(
    PublicationVerifier verifier,
    TimeProvider time,
    IOptions<PublishingOptions> options,
    ILogger<VerificationWorker> logger) : BackgroundService
{
    /// <summary>The longest sleep between passes.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromMinutes(1);

    /// <summary>The shortest: a read-back another verifier holds shows as due until its claim ends; no spinning on it.</summary>
    public static readonly TimeSpan MinSleep = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Verify)
            return;
        try
        {
            while (true)
            {
                stoppingToken.ThrowIfCancellationRequested();
                var delay = RecheckInterval;
                try
                {
                    await verifier.VerifyDueAsync(stoppingToken);
                    if (await verifier.NextDueAtAsync(stoppingToken) is { } next)
                        delay = TimeSpan.FromTicks(Math.Clamp((next - time.GetUtcNow()).Ticks, MinSleep.Ticks, RecheckInterval.Ticks));
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Read-back pass failed; retrying");
                }
                await Task.Delay(delay, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
