using SocialMcp.Core.Domain;

namespace SocialMcp.Platforms.Http;

/// <summary>
/// Configuration section <c>Platforms:{platform}</c> (e.g. <c>Platforms:x:BaseUrl</c>). Every platform gets the
/// same shape; the defaults are the real APIs' documented values (docs/platforms.md). An account's metadata
/// may override the base URL (<c>{"apiBaseUrl": "http://127.0.0.1:5081/x"}</c>), which is how sandbox accounts
/// reach the local emulator.
/// </summary>
public sealed class PlatformOptions
{
    /// <summary>The API root the adapter's relative paths hang off, e.g. https://api.x.com.</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>
    /// Our app's OAuth client id at the platform (<c>Platforms:{p}:ClientId</c>; TikTok calls it the client key, Instagram
    /// and Threads want their own app ids, not the Facebook one). Not a secret, but never needed in a result.
    /// </summary>
    public string? ClientId { get; set; }

    /// <summary>Our app's OAuth client secret. From the environment or user secrets; never logged, never in a message.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// Where the OAuth endpoints live when they are not the platform's real ones: each endpoint is this root plus the
    /// real URL's path (docs/platforms.md#oauth-url-rule). Unset: derived from <see cref="BaseUrl"/> when that points at an
    /// emulator, else the real URLs.
    /// </summary>
    public Uri? OAuthBaseUrl { get; set; }

    /// <summary>The scopes to ask for instead of the minimal set (docs/platforms.md, each platform's "OAuth" section), separated by spaces or commas.</summary>
    public string? Scopes { get; set; }

    /// <summary>Timeout of one HTTP attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a call that is safe to repeat, after a transient failure.</summary>
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait a platform's rate-limit signal may impose before a retry; longer → RATE_LIMITED.</summary>
    public TimeSpan MaxSignalledWait { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Circuit breaker: break after this share of failures among at least MinimumThroughput calls.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    public int BreakerMinimumThroughput { get; set; } = 10;

    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often, and how many times, to ask for the status of an asynchronous step (containers, uploads).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    public int MaxPolls { get; set; } = 30;

    /// <summary>Platform-specific values (API version header, publishing caps, …) by name.</summary>
    public Dictionary<string, string> Settings { get; set; } = [];

    public static readonly IReadOnlyDictionary<Platform, string> DefaultBaseUrls = new Dictionary<Platform, string>
    {
        [Platform.Instagram] = "https://graph.facebook.com/v23.0/",
        [Platform.Facebook] = "https://graph.facebook.com/v23.0/",
        [Platform.X] = "https://api.x.com/",
        [Platform.LinkedIn] = "https://api.linkedin.com/",
        [Platform.TikTok] = "https://open.tiktokapis.com/",
        [Platform.YouTube] = "https://www.googleapis.com/",
        [Platform.Threads] = "https://graph.threads.net/v1.0/",
        [Platform.Amazon] = "https://advertising-api.amazon.com/",
    };
}
