using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Validation.Generic;

/// <summary>At least one platform, each named once.</summary>
public sealed class PlatformsSelectedRule : IPostRule
{
    public IEnumerable<Problem> Check(RuleContext context)
    {
        var platforms = context.Draft.Platforms;
        if (platforms.Count == 0)
        {
            yield return new Problem(ErrorCodes.NoPlatformsSelected, "Select at least one platform to post to.", "$.platforms",
                Hint: "Pass platforms, e.g. [\"x\", \"linkedin\"]; list_accounts shows what is connected.");
            yield break;
        }
        for (var i = 0; i < platforms.Count; i++)
        {
            if (platforms.Take(i).Contains(platforms[i]))
                yield return new Problem(ErrorCodes.ValidationFailed, $"Platform '{platforms[i].ToWireName()}' is listed twice.", $"$.platforms[{i}]", platforms[i]);
        }
    }
}

/// <summary>Every target platform has an account in the platform set that does not wait for a reconnect.</summary>
public sealed class AccountConnectedRule : IPostRule
{
    public IEnumerable<Problem> Check(RuleContext context)
    {
        for (var i = 0; i < context.Draft.Platforms.Count; i++)
        {
            var platform = context.Draft.Platforms[i];
            if (!context.AccountsByPlatform.TryGetValue(platform, out var account))
            {
                yield return new Problem(ErrorCodes.PlatformNotConnected,
                    $"No {platform.ToWireName()} account is connected in this platform set.", $"$.platforms[{i}]", platform,
                    "Call list_accounts to see connected accounts, remove the platform, or pick another platformSetId.");
            }
            else if (TokenHealth.Of(account, context.Now) == TokenHealth.ReconnectRequired)
            {
                // An expired token that the refresher can renew is no problem here; one that nothing can renew is.
                yield return new Problem(ErrorCodes.PlatformNotConnected,
                    $"The {platform.ToWireName()} account '{account.Handle}' must be reconnected: its expired token cannot be renewed, or its grant was revoked.", $"$.platforms[{i}]", platform,
                    "Ask the person running the server to reconnect the account, or remove the platform.");
            }
        }
    }
}

/// <summary>A scheduled time lies inside the configured window (default 1 minute to 60 days ahead).</summary>
public sealed class ScheduleWindowRule(IOptions<SchedulingOptions> options) : IPostRule
{
    public IEnumerable<Problem> Check(RuleContext context)
    {
        if (context.Purpose != RulePurpose.Save || context.Draft.ScheduledFor is not { } when)
            yield break;

        var scheduling = options.Value;
        var earliest = context.Now + scheduling.MinLeadTime;
        var latest = context.Now + scheduling.MaxLeadTime;
        if (when < earliest)
        {
            yield return new Problem(ErrorCodes.InvalidScheduleTime,
                $"scheduledFor must be at least {Describe(scheduling.MinLeadTime)} ahead (after {earliest:O}).", "$.scheduledFor",
                Hint: "Pick a later time, or call publish_post to publish now.");
        }
        else if (when > latest)
        {
            yield return new Problem(ErrorCodes.InvalidScheduleTime,
                $"scheduledFor must be at most {Describe(scheduling.MaxLeadTime)} ahead (before {latest:O}).", "$.scheduledFor",
                Hint: "Pick an earlier time; save the post as a draft and schedule it later.");
        }
    }

    private static string Describe(TimeSpan span) => span switch
    {
        { TotalDays: >= 1 } when span.TotalDays == Math.Floor(span.TotalDays) => $"{span.TotalDays:0} days",
        { TotalMinutes: >= 1 } when span.TotalMinutes == Math.Floor(span.TotalMinutes) => $"{span.TotalMinutes:0} minutes",
        _ => $"{span.TotalSeconds:0.###} seconds",
    };
}

/// <summary>Each media item's fields agree with its type.</summary>
public sealed class MediaFieldsRule : IPostRule
{
    public bool ChecksEachPart => true;
    public bool ChecksMedia => true;

    public IEnumerable<Problem> Check(RuleContext context)
    {
        var media = context.Draft.Content.Media;
        for (var i = 0; i < media.Count; i++)
        {
            var item = media[i];
            var path = $"$.content.media[{i}]";
            if (item.MimeType is { } mime && !mime.StartsWith(item.Type + "/", StringComparison.OrdinalIgnoreCase))
            {
                yield return new Problem(ErrorCodes.UnsupportedMediaType,
                    $"mimeType '{mime}' is not an {item.Type} type; an {item.Type} needs an {item.Type}/* mimeType.", path + ".mimeType",
                    Hint: "Fix type or mimeType so they agree, e.g. type image with image/jpeg.");
            }
            if (item.IsImage && item.DurationSeconds is not null)
            {
                yield return new Problem(ErrorCodes.UnsupportedMediaConfig,
                    "durationSeconds only applies to videos.", path + ".durationSeconds",
                    Hint: "Remove durationSeconds, or set type to video.");
            }
            if (item.IsImage && item.ThumbnailUrl is not null)
            {
                yield return new Problem(ErrorCodes.UnsupportedMediaConfig,
                    "thumbnailUrl only applies to videos.", path + ".thumbnailUrl",
                    Hint: "Remove thumbnailUrl, or set type to video.");
            }
        }
    }
}

/// <summary>An override must be for a platform the post targets; otherwise it is silently useless.</summary>
public sealed class OverridesTargetedRule : IPostRule
{
    public bool ChecksEachPart => true;

    public IEnumerable<Problem> Check(RuleContext context)
    {
        foreach (var platform in context.Draft.Content.PlatformOverrides.Keys.Order())
        {
            if (!context.Draft.Platforms.Contains(platform))
            {
                yield return new Problem(ErrorCodes.ValidationFailed,
                    $"platformOverrides has an entry for '{platform.ToWireName()}', which is not in platforms.",
                    $"$.content.platformOverrides.{platform.ToWireName()}", platform,
                    "Add the platform to platforms, or remove its override.");
            }
        }
    }
}
