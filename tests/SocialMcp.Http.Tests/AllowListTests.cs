using Microsoft.AspNetCore.Http;
using SocialMcp.Server.Http;

namespace SocialMcp.Http.Tests;

/// <summary>The Host and Origin allow-lists, with configured entries.</summary>
public sealed class AllowListTests
{
    [Theory]
    [InlineData("localhost", true)]
    [InlineData("localhost:5080", true)]
    [InlineData("LOCALHOST:1", true)]
    [InlineData("127.0.0.1:5080", true)]
    [InlineData("[::1]:5080", true)]
    [InlineData("mcp.example.com", true)]
    [InlineData("mcp.example.com:9999", true)]
    [InlineData("api.example.com:8443", true)]
    [InlineData("api.example.com:443", false)]
    [InlineData("api.example.com", false)]
    [InlineData("example.com", false)]
    [InlineData("10.0.0.5:5080", false)]
    [InlineData("", false)]
    public void IsAllowedHost_LoopbackAndConfiguredHostsOnly(string host, bool allowed) =>
        Assert.Equal(allowed, DnsRebindingProtection.IsAllowedHost(new HostString(host), ["mcp.example.com", "api.example.com:8443"]));

    [Theory]
    [InlineData("http://localhost:6274", true)]
    [InlineData("https://127.0.0.1", true)]
    [InlineData("http://[::1]:3000", true)]
    [InlineData("https://app.example.com", true)]
    [InlineData("https://app.example.com:443", true)]
    [InlineData("http://app.example.com", false)]
    [InlineData("https://app.example.com:8443", false)]
    [InlineData("https://evil.example", false)]
    [InlineData("null", false)]
    [InlineData("file://", false)]
    public void IsAllowedOrigin_LoopbackAndConfiguredOriginsOnly(string origin, bool allowed) =>
        Assert.Equal(allowed, DnsRebindingProtection.IsAllowedOrigin(origin, ["https://app.example.com"]));

    [Fact]
    public void Options_RejectPathsAndNonHttpOrigins()
    {
        var options = new McpHttpOptions { AllowedHosts = ["example.com/mcp"], AllowedOrigins = ["ftp://example.com"], SessionIdleTimeout = TimeSpan.Zero };

        var failures = options.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(options)).Select(r => r.ErrorMessage).ToList();

        Assert.Equal(3, failures.Count);
    }
}
