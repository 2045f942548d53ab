using SocialMcp.Core.Domain;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Platforms.Definitions;

/// <summary>Amazon Posts (docs/platforms.md#amazon).</summary>
public sealed class AmazonPlatform : PlatformDefinition
{
    /// <summary>Products one post tags, #amazon-limits (off.); default of <c>ContentRules:Amazon:MaxProducts</c>.</summary>
    public const int MaxProducts = 5;

    public const string AsinPattern = "^[A-Z0-9]{10}$";

    public override Platform Platform => Platform.Amazon;
    public override string Name => "amazon";

    // The caption limit is unverified (#amazon-limits): a conservative default.
    public override TextLimit Text => new(TextCountingMethod.Utf16CodeUnits, 2200);

    // One image asset (off.); image formats and sizes are unverified, so not restricted.
    public override MediaRulesOptions CreateMediaRules() => new() { MinImages = 1, MaxImages = 1, MaxVideos = 0 };


    public override SettingsSchema Settings { get; } = new(
    [
        SettingDefinition.TextList("products",
                $"Products to tag, by ASIN (10 capital letters or digits, e.g. B08N5WRWNW): 1 to {MaxProducts} (server configuration may differ).")
            with { MinItems = 1, UniqueItems = true, ItemPattern = AsinPattern },
    ]);

    public override bool CanWithdraw => true;
}
