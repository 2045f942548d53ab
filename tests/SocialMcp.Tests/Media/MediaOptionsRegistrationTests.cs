using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SocialMcp.Core;
using SocialMcp.Core.Media;
using SocialMcp.Platforms;

namespace SocialMcp.Tests.Media;

/// <summary>Core and the publishers both register the Media options; the section is bound once, not once per registration.</summary>
public sealed class MediaOptionsRegistrationTests
{
    [Fact]
    public void CoreAndPublishers_BindTheMediaSectionOnce()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Media:AllowedHosts:0"] = "127.0.0.1" })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddSocialCore();
        services.AddPlatformPublishers();
        using var provider = services.BuildServiceProvider();

        Assert.Equal(["127.0.0.1"], provider.GetRequiredService<IOptions<MediaOptions>>().Value.AllowedHosts);
        Assert.Single(provider.GetServices<IValidateOptions<MediaOptions>>());
    }
}
