using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ModelContextProtocol.Client;
using SocialMcp.Core.Errors;
using SocialMcp.Core.Validation;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests;

/// <summary>
/// Which failures are the caller's: an argument that matches its schema but cannot be read is VALIDATION_FAILED at its
/// path; an exception from our own code — even an ArgumentException or JsonException — is INTERNAL_ERROR with an error id
/// and never its raw text.
/// </summary>
public sealed class ToolErrorTests
{
    private const string Secret = "token=sk-live-should-never-leak /srv/socialmcp/secret.db";

    /// <summary>A post rule with a bug: it throws from deep inside PostService's validation.</summary>
    private sealed class ThrowingRule(Func<Exception> fault) : IPostRule
    {
        public IEnumerable<Problem> Check(RuleContext context) => throw fault();
    }

    private static async Task<JsonElement> CallFailingAsync(McpClient client, string tool, string argumentsJson)
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!.ToDictionary(p => p.Key, p => (object?)p.Value);
        var result = await client.CallToolAsync(tool, arguments);
        Assert.True(result.IsError, $"{tool} should have failed: {result.StructuredContent}");
        return result.StructuredContent!.Value.GetProperty("error");
    }

    public static TheoryData<string> OurFaults => ["argument", "json"];

    [Theory]
    [MemberData(nameof(OurFaults))]
    public async Task CreatePost_DomainThrowsArgumentOrJsonException_IsInternalErrorWithErrorId_NotTheCallersArgument(string kind)
    {
        Func<Exception> fault = kind == "json"
            ? () => new JsonException(Secret, "$.content", 1, 1)
            : () => new ArgumentException(Secret, "content");
        await using var server = await TestServer.StartAsync(configureServices: services =>
            services.AddSingleton<IPostRule>(new ThrowingRule(fault)));
        await using var client = await server.ConnectAsync();

        var error = await CallFailingAsync(client, "create_post", """{"content": {"text": "Hello"}, "platforms": ["x"]}""");

        Assert.Equal(ErrorCodes.InternalError, error.GetProperty("code").GetString());
        Assert.False(error.TryGetProperty("path", out _));
        var message = error.GetProperty("message").GetString()!;
        Assert.Matches("error id [0-9a-f]{16}", message);
        Assert.DoesNotContain("sk-live", error.GetRawText());
        Assert.DoesNotContain("secret.db", error.GetRawText());
    }

    [Fact]
    public async Task CreatePost_LeapSecondTheSchemaAcceptsButCannotBeRead_IsValidationFailedAtItsPath_AndStoresNothing()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();

        var error = await CallFailingAsync(client, "create_post",
            """{"content": {"text": "Happy new year"}, "platforms": ["x"], "scheduledFor": "2026-12-31T23:59:60Z"}""");

        Assert.Equal(ErrorCodes.ValidationFailed, error.GetProperty("code").GetString());
        Assert.Equal("$.scheduledFor", error.GetProperty("path").GetString());
        var listed = await ToolCalls.CallOkAsync(client, "list_posts", "{}");
        Assert.Equal(0, listed.GetProperty("total").GetInt32());
    }
}
