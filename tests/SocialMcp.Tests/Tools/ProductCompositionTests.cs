using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ModelContextProtocol.Server;
using SocialMcp.Server.Mcp;

namespace SocialMcp.Tests.Tools;

/// <summary>The conformance suites' fixtures live in tests/SocialMcp.ConformanceHost; the shipped server has none of them.</summary>
public sealed class ProductCompositionTests
{
    [Fact]
    public void ProductAssembly_HasNoConformanceFixtureTypeOrSchema()
    {
        var assembly = typeof(McpServerSetup).Assembly;

        Assert.DoesNotContain(assembly.GetTypes(), t => t.FullName!.Contains("Conformance", StringComparison.Ordinal));
        Assert.DoesNotContain(assembly.GetManifestResourceNames(), n => n.Contains("Conformance", StringComparison.Ordinal) || (n.Contains(".test_", StringComparison.Ordinal) && !n.EndsWith(".test_webhook.json", StringComparison.Ordinal)));
    }

    [Fact]
    public void SocialMcpServer_ServesNoToolPromptOrResourceOfTheSuites()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddLogging();
        services.AddSocialMcpServer();
        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<McpServerOptions>>().Value;

        // test_webhook is the product's (issue 16 names it); the suites' fixtures are every other test_ tool.
        Assert.DoesNotContain(options.ToolCollection!, t => t.ProtocolTool.Name.StartsWith("test_", StringComparison.Ordinal) && t.ProtocolTool.Name != "test_webhook");
        Assert.True(options.PromptCollection is null || options.PromptCollection.Count == 0);
        Assert.DoesNotContain(options.ResourceCollection ?? [], r => r.ProtocolResourceTemplate.UriTemplate.StartsWith("test://", StringComparison.Ordinal));
    }
}
