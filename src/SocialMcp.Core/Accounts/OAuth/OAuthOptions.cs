namespace SocialMcp.Core.Accounts.OAuth;

/// <summary>Configuration section <c>OAuth</c>: where the platforms send a person back, and how long a connect may take.</summary>
public sealed class OAuthOptions
{
    public const string SectionName = "OAuth";

    /// <summary>
    /// The server's public address (e.g. <c>https://social.example.com</c>). Callbacks are
    /// <c>{PublicBaseUrl}/oauth/callback/{platform}</c> and connect links <c>{PublicBaseUrl}/oauth/connect/{link}</c>;
    /// without it only the CLI's loopback connect works.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>How long a connect's state (and a signed connect link) stays usable.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);
}
