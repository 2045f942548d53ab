using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Options;

namespace SocialMcp.Core.Validation.Settings;

/// <summary>Amazon Posts tag 1 to 5 products by ASIN (docs/platforms.md#amazon-limits, off.; the maximum is <c>ContentRules:Amazon:MaxProducts</c>).</summary>
public sealed class AmazonRules(IOptions<ContentRulesOptions> options) : IPostRule
{
    public IEnumerable<Problem> Check(RuleContext context)
    {
        if (!context.Draft.Platforms.Contains(Platform.Amazon) ||
            PlatformSettings.GetStringArray(context.SettingsFor(Platform.Amazon), "products") is not { } products)
        {
            yield break;
        }

        var max = options.Value.Amazon.MaxProducts;
        var path = RuleContext.SettingPath(Platform.Amazon, "products");
        if (products.Count == 0 || products.Count > max)
        {
            yield return new Problem(ErrorCodes.ValidationFailed,
                $"products needs 1 to {max} ASINs; it has {products.Count}.", path, Platform.Amazon,
                products.Count == 0 ? "Name at least one product, or leave products out." : $"Keep the {max} most relevant products.");
        }
        for (var i = 0; i < products.Count; i++)
        {
            if (products.Take(i).Contains(products[i], StringComparer.Ordinal))
                yield return new Problem(ErrorCodes.ValidationFailed, $"Product {products[i]} is listed twice.", $"{path}[{i}]", Platform.Amazon);
        }
    }
}
