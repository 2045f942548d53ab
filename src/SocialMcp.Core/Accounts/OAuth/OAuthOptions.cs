using System.ComponentModel.DataAnnotations;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>Configuration section <c>OAuth</c>: where the platforms send people back, and how tokens are kept alive.</summary>
public sealed class OAuthOptions : IValidatableObject
{
    public const string SectionName = "OAuth";

    /// <summary>The server's public address; callbacks go to <c>{PublicBaseUrl}/oauth/callback/{platform}</c>. Null: no link or tool connects.</summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long a started connect (its state and PKCE verifier) stays usable.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Renew this long before an access token expires; never more than half the token's lifetime.</summary>
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Extend a long-lived token (Facebook, Instagram, Threads) this long before it expires; never more than half its lifetime.</summary>
    public TimeSpan ExtendMargin { get; set; } = TimeSpan.FromDays(7);

    /// <summary>An account that cannot be refreshed, or whose refresh token dies, turns <c>expiring</c> this long before.</summary>
    public TimeSpan ReconnectWarning { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The wait after a failed refresh; it doubles with each failure in a row, up to <see cref="MaxRefreshRetryDelay"/>.</summary>
    public TimeSpan RefreshRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRefreshRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Failed refreshes in a row after which the account shows <c>expiring</c> and the health report names it.</summary>
    public int RepeatedFailureThreshold { get; set; } = 3;

    /// <summary>How long one refresher holds an account's refresh lease; a process that dies holding it is taken over after this.</summary>
    public TimeSpan RefreshLeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often a refresher that found the lease taken by another process looks again.</summary>
    public TimeSpan RefreshLeasePoll { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest the background refresher sleeps, so accounts connected meanwhile are picked up.</summary>
    public TimeSpan RefreshRecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Whether this process runs the background refresher (<see cref="TokenRefreshWorker"/>).</summary>
    public bool BackgroundRefresh { get; set; } = true;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (PublicBaseUrl is { } url && (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http")))
            yield return new ValidationResult("OAuth:PublicBaseUrl must be an absolute http(s) URL, e.g. https://social.example.com.");
        foreach (var (name, value) in new[]
                 {
                     (nameof(StateLifetime), StateLifetime), (nameof(RefreshMargin), RefreshMargin), (nameof(ExtendMargin), ExtendMargin),
                     (nameof(ReconnectWarning), ReconnectWarning), (nameof(RefreshRetryDelay), RefreshRetryDelay),
                     (nameof(MaxRefreshRetryDelay), MaxRefreshRetryDelay), (nameof(RefreshLeaseDuration), RefreshLeaseDuration),
                     (nameof(RefreshLeasePoll), RefreshLeasePoll), (nameof(RefreshRecheckInterval), RefreshRecheckInterval),
                 })
        {
            if (value <= TimeSpan.Zero)
                yield return new ValidationResult($"OAuth:{name} must be positive (e.g. 00:10:00).");
        }
        if (RepeatedFailureThreshold < 1)
            yield return new ValidationResult("OAuth:RepeatedFailureThreshold must be at least 1.");
    }
}
