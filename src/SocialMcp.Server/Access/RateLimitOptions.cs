using System.ComponentModel.DataAnnotations;

namespace SocialMcp.Server.Access;

/// <summary>
/// Configuration section <c>RateLimits</c>: calls per key (or per stdio workspace) per operation and window, and
/// unauthenticated HTTP requests per client address and window.
/// </summary>
public sealed class RateLimitOptions : IValidatableObject
{
    public const string SectionName = "RateLimits";

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);

    public int ReadPerWindow { get; set; } = 600;

    public int CreatePerWindow { get; set; } = 120;

    public int PublishPerWindow { get; set; } = 60;

    /// <summary>HTTP requests refused for want of a valid API key, per client address, before they get 429 instead of 401.</summary>
    public int UnauthenticatedPerWindow { get; set; } = 30;

    /// <summary>Requests to the authorization server's endpoints (<c>/auth/*</c>) per client address.</summary>
    public int AuthorizationPerWindow { get; set; } = 120;

    /// <summary>Operator sign-in attempts on the consent page per client address (password guessing costs the guesser).</summary>
    public int SignInPerWindow { get; set; } = 10;

    /// <summary>Requests other than tools/call: initialize, ping, tools/list, resources/*, prompts/*, completion.</summary>
    public int RequestsPerWindow { get; set; } = 600;

    public int LimitFor(ToolOperation operation) => operation switch
    {
        ToolOperation.Read => ReadPerWindow,
        ToolOperation.Create => CreatePerWindow,
        ToolOperation.Protocol => RequestsPerWindow,
        _ => PublishPerWindow,
    };

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Window <= TimeSpan.Zero)
            yield return new ValidationResult("RateLimits:Window must be positive (e.g. 00:01:00).");
        if (ReadPerWindow < 1 || CreatePerWindow < 1 || PublishPerWindow < 1 || UnauthenticatedPerWindow < 1 || RequestsPerWindow < 1
            || AuthorizationPerWindow < 1 || SignInPerWindow < 1)
            yield return new ValidationResult("RateLimits:ReadPerWindow, CreatePerWindow, PublishPerWindow, UnauthenticatedPerWindow, RequestsPerWindow, AuthorizationPerWindow and SignInPerWindow must each be at least 1.");
    }
}
