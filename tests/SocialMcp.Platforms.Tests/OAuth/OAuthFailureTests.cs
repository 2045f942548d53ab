using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.OAuth;

namespace SocialMcp.Platforms.Tests.OAuth;

/// <summary>How refusals are classified, that token calls are never resent, and that no secret reaches a message or a log.</summary>
public sealed class OAuthFailureTests
{
    private static readonly string Root = OAuthHarness.EmulatorRoot;

    public static TheoryData<Platform, string, HttpMethod, HttpStatusCode, string, OAuthFailureKind, string> RefreshRefusals => new()
    {
        // X's dead refresh token is invalid_request, not invalid_grant (docs/platforms.md#oauth-errors).
        { Platform.X, "x/2/oauth2/token", HttpMethod.Post, HttpStatusCode.BadRequest,
            """{"error":"invalid_request","error_description":"Value passed for the token was invalid."}""", OAuthFailureKind.DeadGrant, "invalid_request" },
        { Platform.YouTube, "youtube/token", HttpMethod.Post, HttpStatusCode.BadRequest,
            """{"error":"invalid_grant","error_description":"Token has been expired or revoked."}""", OAuthFailureKind.DeadGrant, "invalid_grant" },
        { Platform.Amazon, "amazon/auth/o2/token", HttpMethod.Post, HttpStatusCode.BadRequest,
            """{"error":"invalid_grant","error_description":"The request has an invalid grant parameter : refresh_token."}""", OAuthFailureKind.DeadGrant, "invalid_grant" },
        // TikTok may answer an error with HTTP 200.
        { Platform.TikTok, "tiktok/v2/oauth/token/", HttpMethod.Post, HttpStatusCode.OK,
            """{"error":"invalid_grant","error_description":"Refresh token is invalid or expired.","log_id":"2026"}""", OAuthFailureKind.DeadGrant, "invalid_grant" },
        { Platform.Facebook, "facebook/v23.0/oauth/access_token", HttpMethod.Get, HttpStatusCode.BadRequest,
            """{"error":{"message":"Error validating access token: Session has expired","type":"OAuthException","code":190,"error_subcode":463}}""",
            OAuthFailureKind.DeadGrant, "190/463" },
        { Platform.Instagram, "instagram/refresh_access_token", HttpMethod.Get, HttpStatusCode.BadRequest,
            """{"error":{"message":"Session has expired","type":"OAuthException","code":190}}""", OAuthFailureKind.DeadGrant, "190" },
        { Platform.X, "x/2/oauth2/token", HttpMethod.Post, HttpStatusCode.Unauthorized,
            """{"error":"unauthorized_client","error_description":"Missing valid authorization header"}""", OAuthFailureKind.Misconfigured, "unauthorized_client" },
        { Platform.Amazon, "amazon/auth/o2/token", HttpMethod.Post, HttpStatusCode.Unauthorized,
            """{"error":"invalid_client","error_description":"Client authentication failed"}""", OAuthFailureKind.Misconfigured, "invalid_client" },
        { Platform.Threads, "threads/refresh_access_token", HttpMethod.Get, HttpStatusCode.BadRequest,
            """{"error":{"message":"Error validating application","type":"OAuthException","code":101}}""", OAuthFailureKind.Misconfigured, "101" },
        { Platform.YouTube, "youtube/token", HttpMethod.Post, HttpStatusCode.ServiceUnavailable, "", OAuthFailureKind.Transient, "http_503" },
        { Platform.TikTok, "tiktok/v2/oauth/token/", HttpMethod.Post, HttpStatusCode.TooManyRequests,
            """{"error":"rate_limit_exceeded"}""", OAuthFailureKind.Transient, "rate_limit_exceeded" },
        { Platform.Amazon, "amazon/auth/o2/token", HttpMethod.Post, HttpStatusCode.BadRequest,
            """{"error":"temporarily_unavailable"}""", OAuthFailureKind.Transient, "temporarily_unavailable" },
        { Platform.YouTube, "youtube/token", HttpMethod.Post, HttpStatusCode.InternalServerError,
            """{"error":"server_error"}""", OAuthFailureKind.Transient, "server_error" },
        { Platform.Facebook, "facebook/v23.0/oauth/access_token", HttpMethod.Get, HttpStatusCode.BadRequest,
            """{"error":{"message":"An unexpected error has occurred. Please retry your request later.","type":"OAuthException","code":2,"is_transient":true}}""",
            OAuthFailureKind.Transient, "2" },
    };

    [Theory]
    [MemberData(nameof(RefreshRefusals))]
    public async Task Refresh_PlatformRefuses_ClassifiedWithItsCode_NothingSecretInTheMessage(Platform platform, string path, HttpMethod method,
        HttpStatusCode status, string body, OAuthFailureKind kind, string platformError)
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(method, Root + path, (_, _) => Task.FromResult(Raw(status, body)));

        var refused = await Assert.ThrowsAsync<OAuthException>(() =>
            harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(platform), new("access-SECRET-1", "refresh-SECRET-1", null), default));

        Assert.Equal(kind, refused.Kind);
        Assert.Equal(platformError, refused.PlatformError);
        Assert.Single(harness.Stub.Seen); // refused or failed: never sent again by itself
        harness.AssertNothingLeaked([refused.Message, refused.ToString()], "access-SECRET-1", "refresh-SECRET-1");
    }

    [Theory]
    [InlineData("""{"error":"invalid_grant","error_description":"Authorization code is invalid"}""", OAuthFailureKind.Refused)]
    [InlineData("""{"error":"redirect_uri_mismatch"}""", OAuthFailureKind.Misconfigured)]
    [InlineData("""{"error":"invalid_request","error_description":"redirect_uri does not match"}""", OAuthFailureKind.Misconfigured)]
    [InlineData("""{"error":"access_denied"}""", OAuthFailureKind.Refused)]
    [InlineData("""{"error":"invalid_client"}""", OAuthFailureKind.Misconfigured)]
    public void Classify_CodeExchange_BadCodeIsRefusedAndOurSetupIsMisconfigured(string body, OAuthFailureKind kind)
    {
        var (classified, _) = OAuthErrorClassifier.Classify(OAuthStep.CodeExchange, 400, JsonDocument.Parse(body).RootElement);

        Assert.Equal(kind, classified);
    }

    [Fact]
    public void Classify_LinkedInDeadRefreshToken_IsADeadGrant()
    {
        var body = JsonDocument.Parse("""{"error":"invalid_request","error_description":"The provided authorization grant or refresh token is invalid, expired or revoked"}""");

        Assert.Equal(OAuthFailureKind.DeadGrant, OAuthErrorClassifier.Classify(OAuthStep.Refresh, 400, body.RootElement).Kind);
    }

    [Fact]
    public void Classify_ErrorCodeThatIsNotACode_IsNotRepeated()
    {
        var body = JsonDocument.Parse("""{"error":"token refresh-SECRET-1 is bad"}""");

        Assert.Equal("unreadable_error", OAuthErrorClassifier.Classify(OAuthStep.Refresh, 400, body.RootElement).PlatformError);
    }

    [Fact]
    public async Task Refresh_NoAnswer_IsTransientAndSentOnce()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "x/2/oauth2/token", (_, _) => throw new HttpRequestException("connection reset"));

        var failed = await Assert.ThrowsAsync<OAuthException>(() =>
            harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.X), new("a", "refresh-SECRET-1", null), default));

        Assert.Equal(OAuthFailureKind.Transient, failed.Kind);
        Assert.Single(harness.Stub.Seen);
    }

    [Fact]
    public async Task Refresh_PlatformTooSlow_TimesOutOnTheInjectedClockAsTransientAndIsNotResent()
    {
        using var harness = OAuthHarness.Create(emulated: true, settings: new Dictionary<string, string?> { ["Platforms:x:AttemptTimeout"] = "00:00:05" });
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Stub.On(HttpMethod.Post, Root + "x/2/oauth2/token", async (_, cancellationToken) =>
        {
            reached.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        });

        var refresh = harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.X), new("a", "refresh-SECRET-1", null), default);
        await reached.Task;
        harness.Time.Advance(TimeSpan.FromSeconds(5));
        var failed = await Assert.ThrowsAsync<OAuthException>(() => refresh);

        Assert.Equal(OAuthFailureKind.Transient, failed.Kind);
        Assert.Single(harness.Stub.Seen);
    }

    [Fact]
    public async Task Refresh_ExtendGetFailsWith503_IsNotRetriedEither()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Get, Root + "threads/refresh_access_token", new { }, HttpStatusCode.ServiceUnavailable);

        var failed = await Assert.ThrowsAsync<OAuthException>(() =>
            harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.Threads), new("long-1", null, null), default));

        Assert.Equal(OAuthFailureKind.Transient, failed.Kind);
        Assert.Single(harness.Stub.Seen);
    }

    [Fact]
    public async Task Refresh_SuccessWithoutAnAccessToken_IsTransient()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        harness.Stub.On(HttpMethod.Post, Root + "x/2/oauth2/token", "not json at all");

        var failed = await Assert.ThrowsAsync<OAuthException>(() =>
            harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.X), new("a", "r", null), default));

        Assert.Equal((OAuthFailureKind.Transient, "unreadable_answer"), (failed.Kind, failed.PlatformError));
    }

    [Fact]
    public async Task WholeFlow_LoggedAtTrace_NoTokenCodeOrSecretInAnyLine()
    {
        using var harness = OAuthHarness.Create(emulated: true);
        var token = Root + "facebook/v23.0/oauth/access_token";
        harness.Stub
            .On(HttpMethod.Get, token, new { access_token = "fb-short-SECRET", expires_in = 3600 })
            .On(HttpMethod.Get, token, new { access_token = "fb-long-SECRET", expires_in = 5183944 })
            .On(HttpMethod.Get, Root + "facebook/me/accounts", new { data = new[] { new { id = "page-1", name = "Bakery", access_token = "page-SECRET" } } });
        harness.Stub.On(HttpMethod.Get, Root + "facebook/v23.0/oauth/access_token", new { error = new { message = "expired", code = 190 } }, HttpStatusCode.BadRequest);

        await harness.OAuth.ExchangeCodeAsync(Platform.Facebook, "code-SECRET", "verifier", new Uri("https://social.example/cb"), default);
        var refused = await Assert.ThrowsAsync<OAuthException>(() =>
            harness.OAuth.RefreshAsync(OAuthHarness.AccountOf(Platform.Facebook), new("page-SECRET", null, null), default));

        Assert.NotEmpty(harness.Logs.Lines);
        harness.AssertNothingLeaked([refused.Message], "SECRET");
    }

    [Fact]
    public void AddPlatformPublishers_RegistersThePlatformOAuth()
    {
        using var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().Build())
            .AddLogging()
            .AddPlatformPublishers()
            .BuildServiceProvider();

        Assert.IsType<PlatformOAuth>(services.GetRequiredService<IPlatformOAuth>());
    }

    private static HttpResponseMessage Raw(HttpStatusCode status, string body) => new(status)
    {
        Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
    };
}
