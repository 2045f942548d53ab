using System.Net;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Media;
using SocialMcp.Platforms.Media;

namespace SocialMcp.Platforms.Tests.Media;

/// <summary>Every refused class of address, decided by the guard alone: no test here opens a connection.</summary>
public sealed class AddressRulesTests
{
    [Theory]
    [InlineData("127.0.0.1")]          // loopback
    [InlineData("127.12.34.56")]
    [InlineData("::1")]
    [InlineData("10.0.0.1")]           // private
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("fc00::1")]            // unique local
    [InlineData("fd12:3456::1")]
    [InlineData("169.254.10.1")]       // link-local
    [InlineData("fe80::1")]
    [InlineData("100.64.0.1")]         // CGNAT
    [InlineData("100.127.255.254")]
    [InlineData("224.0.0.251")]        // multicast
    [InlineData("239.255.255.250")]
    [InlineData("ff02::1")]
    [InlineData("0.0.0.0")]            // unspecified
    [InlineData("::")]
    [InlineData("255.255.255.255")]    // broadcast
    [InlineData("::ffff:127.0.0.1")]   // IPv4-mapped
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::127.0.0.1")]        // IPv4-compatible
    [InlineData("2002:7f00:1::")]      // 6to4 of 127.0.0.1
    [InlineData("2002:a00:1::1")]      // 6to4 of 10.0.0.1
    [InlineData("64:ff9b::a00:1")]     // NAT64 of 10.0.0.1
    [InlineData("64:ff9b::7f00:1")]    // NAT64 of 127.0.0.1
    [InlineData("169.254.169.254")]    // metadata (AWS, GCP, Azure)
    [InlineData("fd00:ec2::254")]      // metadata (AWS IPv6)
    [InlineData("100.100.100.200")]    // metadata (Alibaba)
    public void RefusedAddresses_AreRefused(string address) =>
        Assert.True(AddressRules.IsRefused(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("172.32.0.1")]         // just past 172.16/12
    [InlineData("100.128.0.1")]        // just past 100.64/10
    [InlineData("11.0.0.1")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("::ffff:8.8.8.8")]
    [InlineData("2002:808:808::1")]    // 6to4 of a public address
    [InlineData("64:ff9b::808:808")]   // NAT64 of a public address
    public void PublicAddresses_AreAllowed(string address) =>
        Assert.False(AddressRules.IsRefused(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("private.test", "10.0.0.5")]
    [InlineData("shared.test", "100.64.1.1")]
    [InlineData("linklocal.test", "169.254.3.3")]
    [InlineData("metadata.test", "169.254.169.254")]
    [InlineData("multicast.test", "224.0.0.1")]
    [InlineData("ula.test", "fd00::1")]
    [InlineData("mapped.test", "::ffff:192.168.0.1")]
    [InlineData("internal.test", "127.0.0.1")]
    public async Task NamesResolvingToRefusedAddresses_AreRefused(string host, string address)
    {
        await using var guard = new FetchGuardHarness(new Dictionary<string, string[]> { [host] = [address] });
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.CheckAsync($"https://{host}/a.jpg?sig=secret", "$.content.media[0].url", default));
        Assert.Equal(MediaFetchRule.Address, ex.Rule);
        Assert.Equal(ErrorCodes.MediaUrlForbidden, ex.Problem.Code);
        Assert.Equal("$.content.media[0].url", ex.Problem.Path);
        Assert.Contains("rule: address", ex.Problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", ex.Problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(host, ex.Problem.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(address, ex.Problem.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://10.0.0.1/a.jpg")]
    [InlineData("http://[::1]/a.jpg")]
    [InlineData("http://[::ffff:127.0.0.1]/a.jpg")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://[fd00:ec2::254]/")]
    [InlineData("http://100.100.100.200/")]
    [InlineData("http://0.0.0.0:8080/")]
    public async Task LiteralRefusedAddresses_AreRefusedWithoutALookUp(string url)
    {
        await using var guard = new FetchGuardHarness();
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.CheckAsync(url, "$.sourceUrl", default));
        Assert.Equal(MediaFetchRule.Address, ex.Rule);
        Assert.Equal(0, guard.Resolver.Lookups);
    }

    [Fact]
    public async Task MetadataHostName_IsRefusedWhateverItResolvesTo()
    {
        await using var guard = new FetchGuardHarness(new Dictionary<string, string[]> { ["metadata.google.internal"] = ["8.8.8.8"] });
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.CheckAsync("http://metadata.google.internal/computeMetadata/v1/", "$.sourceUrl", default));
        Assert.Equal(MediaFetchRule.Address, ex.Rule);
    }

    [Fact]
    public async Task ANameWithOneRefusedAddressAmongPublicOnes_IsRefused()
    {
        await using var guard = new FetchGuardHarness(new Dictionary<string, string[]> { ["mixed.test"] = ["8.8.8.8", "10.0.0.1"] });
        var ex = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.CheckAsync("https://mixed.test/a.png", "$.sourceUrl", default));
        Assert.Equal(MediaFetchRule.Address, ex.Rule);
    }

    [Theory]
    [InlineData("data:image/png;base64,iVBORw0KGgo=")]
    [InlineData("file:///etc/passwd")]
    [InlineData("ftp://example.com/a.png")]
    [InlineData("gopher://example.com/")]
    [InlineData("javascript:alert(1)")]
    [InlineData("not a url")]
    [InlineData("/relative/a.png")]
    public async Task NonHttpSchemes_AreRefusedWithTheSchemeRule(string url)
    {
        await using var guard = new FetchGuardHarness();
        var check = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.CheckAsync(url, "$.content.media[1].url", default));
        var fetch = await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.FetchAsync(url, "$.content.media[1].url", null, default));
        foreach (var ex in new[] { check, fetch })
        {
            Assert.Equal(MediaFetchRule.Scheme, ex.Rule);
            Assert.Equal(ErrorCodes.MediaUrlForbidden, ex.Problem.Code);
            Assert.Equal("$.content.media[1].url", ex.Problem.Path);
            Assert.Contains("rule: scheme", ex.Problem.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CheckAsync_DoesNotRefuseANameThatDoesNotResolve()
    {
        await using var guard = new FetchGuardHarness();
        await guard.Fetcher.CheckAsync("https://nowhere.test/a.png", "$.sourceUrl", default);
        Assert.Equal(1, guard.Resolver.Lookups);
    }

    [Fact]
    public async Task AllowListedHost_PassesOnARefusedAddress()
    {
        await using var guard = new FetchGuardHarness(new Dictionary<string, string[]> { ["emulator.test"] = ["127.0.0.1"] }, ["emulator.test", "127.0.0.1"]);
        await guard.Fetcher.CheckAsync("http://emulator.test/a.png", "$.sourceUrl", default);
        await guard.Fetcher.CheckAsync("http://127.0.0.1:5000/a.png", "$.sourceUrl", default);
        await Assert.ThrowsAsync<MediaFetchException>(() => guard.Fetcher.CheckAsync("http://127.0.0.2/a.png", "$.sourceUrl", default));
    }
}
