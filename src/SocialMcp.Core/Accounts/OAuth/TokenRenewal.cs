using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>When an account's access can and should be renewed: the rules the refresher, the worker, health and risks share.</summary>
public static class TokenRenewal
{
    /// <summary>Instagram and Threads extend a long-lived token only once it is at least 24 hours old (docs/platforms.md#instagram-auth-and-tokens, #threads-auth-and-tokens).</summary>
    public static readonly TimeSpan MinimumAgeToExtend = TimeSpan.FromHours(24);

    public static bool UsesRefreshToken(Account account) =>
        account.RefreshModel is RefreshModel.RefreshToken or RefreshModel.RotatingRefreshToken;

    /// <summary>Whether the account can get new access without a person: a live refresh token, or a live token to extend.</summary>
    public static bool CanRefresh(Account account, DateTimeOffset now)
    {
        if (account.IsSandbox || account.ReconnectRequired)
            return false;
        return account.RefreshModel switch
        {
            RefreshModel.RefreshToken or RefreshModel.RotatingRefreshToken =>
                account.RefreshTokenReference is not null && (account.RefreshExpiresAt is not { } dies || dies > now),
            // A long-lived token is exchanged for a new one only while it still works (docs/platforms.md#facebook-auth-and-tokens).
            RefreshModel.ExtendAccessToken => account.TokenExpiresAt is not { } expiry || expiry > now,
            _ => false,
        };
    }

    /// <summary>When the current access token was issued, as far as we know.</summary>
    public static DateTimeOffset IssuedAt(Account account) => account.LastRefreshedAt ?? account.CreatedAt;

    /// <summary>
    /// When to renew: the margin before expiry, but never more than half the token's lifetime (a 5-second token is
    /// renewed at 2.5 s); for a token Instagram or Threads extend, not before it is 24 hours old. Null: never (no expiry,
    /// or no way to renew).
    /// </summary>
    public static DateTimeOffset? DueAt(Account account, OAuthOptions options)
    {
        if (account.TokenExpiresAt is not { } expiry || account.IsSandbox || account.ReconnectRequired)
            return null;
        var margin = account.RefreshModel switch
        {
            RefreshModel.RefreshToken or RefreshModel.RotatingRefreshToken => options.RefreshMargin,
            RefreshModel.ExtendAccessToken => options.ExtendMargin,
            _ => (TimeSpan?)null,
        };
        if (margin is null)
            return null;
        var issued = IssuedAt(account);
        var lifetime = expiry - issued;
        var due = expiry - (lifetime > TimeSpan.Zero ? Min(margin.Value, lifetime / 2) : TimeSpan.Zero);
        if (account.RefreshModel == RefreshModel.ExtendAccessToken && account.Platform is Platform.Instagram or Platform.Threads)
            due = Max(due, issued + MinimumAgeToExtend);
        return due;
    }

    /// <summary>After a failed refresh: the retry delay, doubled for each failure in a row, capped.</summary>
    public static DateTimeOffset? RetryNotBefore(Account account, OAuthOptions options)
    {
        if (account.RefreshFailures <= 0 || account.LastRefreshAttemptAt is not { } attempted)
            return null;
        var factor = Math.Pow(2, Math.Min(account.RefreshFailures - 1, 20));
        var delay = TimeSpan.FromTicks((long)Math.Min(options.RefreshRetryDelay.Ticks * factor, options.MaxRefreshRetryDelay.Ticks));
        return attempted + delay;
    }

    /// <summary>When the worker should next try this account: its due time, pushed back by a failure's retry delay. Null: never.</summary>
    public static DateTimeOffset? NextAttemptAt(Account account, OAuthOptions options, DateTimeOffset now)
    {
        if (!CanRefresh(account, now) || DueAt(account, options) is not { } due)
            return null;
        return RetryNotBefore(account, options) is { } retry ? Max(due, retry) : due;
    }

    /// <summary>
    /// Whether the account's posts at <paramref name="when"/> go out without a person: it can be refreshed until then (or its
    /// access token lives that long). Null when they can; otherwise why not.
    /// </summary>
    public static string? WhyItCannotPublishAt(Account account, DateTimeOffset when, DateTimeOffset now)
    {
        if (account.ReconnectRequired)
            return "needs to be reconnected now" + (account.LastRefreshError is { } error ? $" (last refresh: {error})" : "");
        if (account.TokenExpiresAt is { } expiry && expiry <= when && !CanRefresh(account, now))
            return $"token expires at {expiry.ToUniversalTime():O} and cannot be refreshed";
        if (UsesRefreshToken(account) && account.RefreshExpiresAt is { } refreshDies && refreshDies <= when
            && (account.TokenExpiresAt is not { } accessEnd || accessEnd <= when))
            return $"refresh token expires at {refreshDies.ToUniversalTime():O}, so it cannot be refreshed until then";
        return null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

/// <summary>How a <see cref="RefreshModel"/> is written in the database.</summary>
public static class RefreshModelNames
{
    public static string ToWireName(this RefreshModel model) => model switch
    {
        RefreshModel.RefreshToken => "refresh_token",
        RefreshModel.RotatingRefreshToken => "rotating_refresh_token",
        RefreshModel.ExtendAccessToken => "extend_access_token",
        RefreshModel.ReconnectOnly => "reconnect_only",
        _ => throw new ArgumentOutOfRangeException(nameof(model), model, null),
    };

    public static RefreshModel? ParseOrNull(string? name) => name switch
    {
        null => null,
        "refresh_token" => RefreshModel.RefreshToken,
        "rotating_refresh_token" => RefreshModel.RotatingRefreshToken,
        "extend_access_token" => RefreshModel.ExtendAccessToken,
        "reconnect_only" => RefreshModel.ReconnectOnly,
        _ => throw new ArgumentException($"Unknown refresh model '{name}'.", nameof(name)),
    };
}
