using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocialMcp.Core.Workspaces;
using SocialMcp.Http.Tests.Support;
using SocialMcp.Server.Authorization;

namespace SocialMcp.Http.Tests.Authorization;

/// <summary>
/// The MCP authorization spec on <c>/mcp</c> (issue 19): discovery, the consent page, tokens that act like API keys,
/// and each refusal with the spec's error — wrong redirect URI, reused or expired code, missing PKCE, a token for
/// another resource, a revoked client.
/// </summary>
public sealed class AuthorizationServerTests
{
    private static async Task<(HttpStatusCode Status, JsonElement Result, HttpResponseMessage Response)> CallAsync(
        TestServer server, string? bearer, string tool, string argumentsJson = "{}")
    {
        var response = await server.SendAsync(server.Post(JsonRpc.Request(1, "tools/call", $$"""{"name": "{{tool}}", "arguments": {{argumentsJson}}}"""), bearer));
        if (response.StatusCode != HttpStatusCode.OK)
            return (response.StatusCode, default, response);
        var message = await JsonRpc.ReadSseMessageAsync(response);
        return (response.StatusCode, message.GetProperty("result").GetProperty("structuredContent").Clone(), response);
    }

    [Fact]
    public async Task NoCredentials_ChallengeNamesTheResourceMetadata_WhichNamesTheAuthorizationServer()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var origin = server.BaseAddress.GetLeftPart(UriPartial.Authority);

        var (status, _, response) = await CallAsync(server, null, "list_posts");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        Assert.Contains($"resource_metadata=\"{origin}/.well-known/oauth-protected-resource/mcp\"", challenge);
        Assert.Contains("scope=\"posts:read posts:write posts:publish accounts:read accounts:write webhooks:write\"", challenge);

        foreach (var path in new[] { "/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource" })
        {
            var metadata = await server.Http.GetFromJsonAsync<JsonElement>(path);
            Assert.Equal($"{origin}/mcp", metadata.GetProperty("resource").GetString());
            Assert.Equal($"{origin}/", metadata.GetProperty("authorization_servers")[0].GetString());
            Assert.Equal("header", metadata.GetProperty("bearer_methods_supported")[0].GetString());
            Assert.Contains("posts:publish", metadata.GetProperty("scopes_supported").EnumerateArray().Select(s => s.GetString()));
        }

        var server8414 = await server.Http.GetFromJsonAsync<JsonElement>("/.well-known/oauth-authorization-server");
        Assert.Equal($"{origin}/", server8414.GetProperty("issuer").GetString());
        Assert.Equal($"{origin}/auth/register", server8414.GetProperty("registration_endpoint").GetString());
        Assert.True(server8414.GetProperty("client_id_metadata_document_supported").GetBoolean());
        Assert.Equal(["S256"], server8414.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains("none", server8414.GetProperty("token_endpoint_auth_methods_supported").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal($"{origin}/auth/revoke", server8414.GetProperty("revocation_endpoint").GetString());
    }

    [Fact]
    public async Task PublicBaseUrl_FixesTheIssuerAndTheResource_WhateverHostTheRequestCameIn()
    {
        await using var server = await OAuthFlow.StartServerAsync(new Dictionary<string, string?> { ["OAuth:PublicBaseUrl"] = "https://social.example.com" });

        var (_, _, response) = await CallAsync(server, null, "list_posts");
        Assert.Contains("resource_metadata=\"https://social.example.com/.well-known/oauth-protected-resource/mcp\"", response.Headers.WwwAuthenticate.ToString());
        var metadata = await server.Http.GetFromJsonAsync<JsonElement>("/.well-known/oauth-protected-resource/mcp");
        Assert.Equal("https://social.example.com/mcp", metadata.GetProperty("resource").GetString());
        Assert.Equal("https://social.example.com/", metadata.GetProperty("authorization_servers")[0].GetString());
        var server8414 = await server.Http.GetFromJsonAsync<JsonElement>("/.well-known/oauth-authorization-server");
        Assert.Equal("https://social.example.com/", server8414.GetProperty("issuer").GetString());
        Assert.Equal("https://social.example.com/auth/token", server8414.GetProperty("token_endpoint").GetString());
    }

    [Fact]
    public async Task ApprovedToken_ActsInTheWorkspaceWithTheGrantedScopesOnly_AndApiKeysStillWork()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);

        // Asked for four scopes; the operator grants two.
        var (_, accessToken, _) = await flow.ApprovedTokensAsync(password, "posts:read", "posts:write");

        var (status, listed, _) = await CallAsync(server, accessToken, "list_posts");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(listed.TryGetProperty("error", out _), listed.ToString());

        var (_, refused, _) = await CallAsync(server, accessToken, "list_accounts");
        Assert.Equal("FORBIDDEN_SCOPE", refused.GetProperty("error").GetProperty("code").GetString());

        // An API key on the same endpoint, unchanged.
        var (_, key) = await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync("local", "agent", [], CancellationToken.None);
        var (keyStatus, byKey, _) = await CallAsync(server, key, "list_accounts");
        Assert.Equal(HttpStatusCode.OK, keyStatus);
        Assert.False(byKey.TryGetProperty("error", out _), byKey.ToString());
    }

    [Fact]
    public async Task ApiKeyCalls_LeaveTheAuthorizationServerUnbuilt_UntilItsFirstEndpointIsAsked()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var authorizationDatabase = Path.Combine(server.Directory, "http.authorization.db");

        // Start-up and API-key calls at /mcp need neither its database nor its signing keys (issue 18: cold start).
        var (_, key) = await server.Services.GetRequiredService<WorkspaceService>().CreateKeyAsync("local", "agent", [], CancellationToken.None);
        var (status, listed, _) = await CallAsync(server, key, "list_posts");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(listed.TryGetProperty("error", out _), listed.ToString());
        Assert.False(File.Exists(authorizationDatabase), "an API-key call opened the authorization database");

        // Its first endpoint builds it: the key set is served, from keys now stored in that database.
        var keys = await server.Http.GetFromJsonAsync<JsonElement>("/.well-known/jwks");
        Assert.NotEqual(0, keys.GetProperty("keys").GetArrayLength());
        Assert.True(File.Exists(authorizationDatabase));
    }

    [Fact]
    public async Task WrongRedirectUri_IsRefusedOnTheServer_NotSentAnywhere()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = await flow.RegisterAsync();

        // Not an exact match: another path, and the registered URI with something appended.
        foreach (var redirect in new[] { "http://127.0.0.1:9/elsewhere", OAuthFlow.RedirectUri + "/x", "http://127.0.0.1:10/callback" })
            await AssertRefusedAsync(flow, OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create(), redirectUri: redirect), "invalid_request");
    }

    /// <summary>An authorization request refused on the server with this OAuth error: 400, no redirect, no code.</summary>
    private static async Task AssertRefusedAsync(OAuthFlow flow, string query, string error)
    {
        using var response = await flow.GetAsync(query);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{response.StatusCode}: {body}");
        Assert.Null(response.Headers.Location);
        Assert.Contains(error, body);
    }

    [Fact]
    public async Task ReusedCode_IsInvalidGrant_AndRevokesWhatTheCodeGave()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = await flow.RegisterAsync();
        var (code, pkce) = await flow.AuthorizeAsync(clientId, password, ["posts:read"]);

        var (first, tokens) = await flow.ExchangeAsync(clientId, code, pkce.Verifier);
        Assert.Equal(HttpStatusCode.OK, first);
        var (second, error) = await flow.ExchangeAsync(clientId, code, pkce.Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, second);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
        // A replayed code may mean it was stolen: the token it gave no longer works.
        var (status, _, _) = await CallAsync(server, tokens.GetProperty("access_token").GetString(), "list_posts");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Fact]
    public async Task ExpiredCode_IsInvalidGrant()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = await flow.RegisterAsync();
        var (code, pkce) = await flow.AuthorizeAsync(clientId, password, ["posts:read"]);

        server.Clock.Advance(TimeSpan.FromMinutes(3));
        var (status, error) = await flow.ExchangeAsync(clientId, code, pkce.Verifier);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid_grant", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Pkce_IsRequired_S256Only_AndTheVerifierMustBeSentAndMatch()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = await flow.RegisterAsync();

        // No code_challenge, or the plain method: refused on the server (OpenIddict answers request errors found while
        // validating the request itself, not through the redirect URI).
        foreach (var query in new[] { OAuthFlow.AuthorizeQuery(clientId, null), OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create(), method: "plain") })
            await AssertRefusedAsync(flow, query, "invalid_request");

        var (code, pkce) = await flow.AuthorizeAsync(clientId, password, ["posts:read"]);
        var (missing, missingError) = await flow.ExchangeAsync(clientId, code, verifier: null);
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal("invalid_request", missingError.GetProperty("error").GetString());

        var (code2, _) = await flow.AuthorizeAsync(clientId, password, ["posts:read"]);
        var (wrong, wrongError) = await flow.ExchangeAsync(clientId, code2, OAuthFlow.Pkce.Create().Verifier);
        Assert.Equal(HttpStatusCode.BadRequest, wrong);
        Assert.Equal("invalid_grant", wrongError.GetProperty("error").GetString());
        _ = pkce;
    }

    [Fact]
    public async Task MissingState_IsInvalidRequest_AndDenial_IsAccessDenied()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = await flow.RegisterAsync();

        await AssertRefusedAsync(flow, OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create(), state: null), "invalid_request");

        using var page = await flow.GetAsync(OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create()));
        var consent = await flow.SignInAsync(await page.Content.ReadAsStringAsync(), password);
        Assert.Contains("Test client", consent);
        Assert.Contains(OAuthFlow.RedirectUri, consent);
        Assert.Contains("posts:publish", consent);
        using var denied = await flow.DecideAsync(consent, "deny");
        Assert.Equal(HttpStatusCode.Redirect, denied.StatusCode);
        var answer = OAuthFlow.QueryOf(denied.Headers.Location!);
        Assert.Equal("access_denied", answer["error"]);
        Assert.Equal("state-1", answer["state"]);
    }

    [Fact]
    public async Task ConsentForm_WithoutItsAntiforgeryToken_IsRefused()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = await flow.RegisterAsync();
        using var page = await flow.GetAsync(OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create()));
        var consent = await flow.SignInAsync(await page.Content.ReadAsStringAsync(), password);

        var forged = consent.Replace("name=\"__consent_token\"", "name=\"not_the_token\"", StringComparison.Ordinal);
        using var response = await flow.DecideAsync(forged, "approve", "posts:read");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task TokenForAnotherResource_IsRefusedAtMcp_AndAnotherResourceCannotBeAskedFor()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);

        // Asking for a token for another resource: invalid_target.
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = await flow.RegisterAsync();
        await AssertRefusedAsync(flow, OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create(), resource: "https://other.example/mcp"), "invalid_target");

        // A token this server issued for the MCP endpoint at http://localhost:{port} is for another resource than
        // http://127.0.0.1:{port}/mcp (the same process, another resource indicator): refused there.
        using var viaLocalhost = new OAuthFlow(new Uri($"http://localhost:{server.BaseAddress.Port}"));
        var (_, tokenForLocalhost, _) = await viaLocalhost.ApprovedTokensAsync(password, "posts:read");
        var (status, _, response) = await CallAsync(server, tokenForLocalhost, "list_posts");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());

        // And at the resource it was issued for, it works.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"http://localhost:{server.BaseAddress.Port}/mcp")
        {
            Content = new StringContent(JsonRpc.Request(1, "tools/call", """{"name":"list_posts","arguments":{}}"""), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", tokenForLocalhost);
        request.Headers.TryAddWithoutValidation("Accept", TestServer.Accept);
        request.Headers.Add("MCP-Protocol-Version", "2025-06-18");
        using var http = new HttpClient();
        using var ok = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task RevokedClient_ItsTokensAndRefreshTokenStopWorking()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var (clientId, accessToken, refreshToken) = await flow.ApprovedTokensAsync(password, "posts:read");
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(server, accessToken, "list_posts")).Status);

        using (var scope = server.Services.CreateScope())
        {
            var clients = scope.ServiceProvider.GetRequiredService<ApprovedClients>();
            var listed = Assert.Single(await clients.ListAsync("local", CancellationToken.None));
            Assert.Equal(clientId, listed.ClientId);
            Assert.Equal(["posts:read"], listed.Approvals.Single().Scopes);
            Assert.True(await clients.RevokeAsync(clientId, workspaceId: null, CancellationToken.None));
        }

        var (status, _, response) = await CallAsync(server, accessToken, "list_posts");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("error=\"invalid_token\"", response.Headers.WwwAuthenticate.ToString());
        var (refreshStatus, refreshError) = await flow.TokenAsync(new Dictionary<string, string?>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = clientId,
            ["refresh_token"] = refreshToken,
        });
        // The client is forgotten with its grants: invalid_client (401, RFC 6749 §5.2).
        Assert.Equal(HttpStatusCode.Unauthorized, refreshStatus);
        Assert.Equal("invalid_client", refreshError.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RevokedOnTheConsentPage_OnlyThatWorkspacesApprovalEnds()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var (clientId, accessToken, _) = await flow.ApprovedTokensAsync(password, "posts:read");

        using var page = await flow.GetAsync("/auth/clients");
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains(clientId, html);
        var fields = OAuthFlow.HiddenFields(html);
        using var revoked = await flow.Browser.PostAsync("/auth/clients", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Contains("Revoked", await revoked.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(server, accessToken, "list_posts")).Status);
    }

    [Fact]
    public async Task RefreshToken_GivesANewAccessToken_AndRevocationEndpointEndsIt()
    {
        await using var server = await OAuthFlow.StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var (clientId, _, refreshToken) = await flow.ApprovedTokensAsync(password, "posts:read");

        var (status, refreshed) = await flow.TokenAsync(new Dictionary<string, string?>
        {
            ["grant_type"] = "refresh_token",
            ["client_id"] = clientId,
            ["refresh_token"] = refreshToken,
        });
        Assert.Equal(HttpStatusCode.OK, status);
        var newAccess = refreshed.GetProperty("access_token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(server, newAccess, "list_posts")).Status);

        using var revoke = await flow.Browser.PostAsync("/auth/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["client_id"] = clientId,
            ["token"] = newAccess,
            ["token_type_hint"] = "access_token",
        }));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await CallAsync(server, newAccess, "list_posts")).Status);
    }

    [Fact]
    public async Task WrongPassword_IsRefused_AndSignInAttemptsAreRateLimited()
    {
        await using var server = await OAuthFlow.StartServerAsync(new Dictionary<string, string?> { ["RateLimits:SignInPerWindow"] = "3" });
        await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = await flow.RegisterAsync();
        using var page = await flow.GetAsync(OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create()));
        var signInPage = await page.Content.ReadAsStringAsync();

        for (var attempt = 0; attempt < 3; attempt++)
        {
            var answer = await flow.SignInAsync(signInPage, "wrong-password");
            Assert.Contains("The workspace, operator name or password is wrong.", answer);
        }
        var fields = OAuthFlow.HiddenFields(signInPage);
        fields.AddRange([new("workspace", "local"), new("name", "alice"), new("password", "wrong-again")]);
        using var limited = await flow.Browser.PostAsync("/auth/signin", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
    }

    [Fact]
    public async Task Registration_RefusesBadMetadata_WithThePathOfTheField()
    {
        await using var server = await OAuthFlow.StartServerAsync();

        async Task<JsonElement> RefusedAsync(string json)
        {
            using var response = await server.Http.PostAsync("/auth/register", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            return await response.Content.ReadFromJsonAsync<JsonElement>();
        }

        var noUris = await RefusedAsync("""{"client_name":"x"}""");
        Assert.Equal("invalid_redirect_uri", noUris.GetProperty("error").GetString());
        Assert.Equal("$.redirect_uris", noUris.GetProperty("path").GetString());

        var plainHttp = await RefusedAsync("""{"redirect_uris":["https://ok.example/cb","http://evil.example/cb"]}""");
        Assert.Equal("invalid_redirect_uri", plainHttp.GetProperty("error").GetString());
        Assert.Equal("$.redirect_uris[1]", plainHttp.GetProperty("path").GetString());
        Assert.False(string.IsNullOrEmpty(plainHttp.GetProperty("hint").GetString()));

        var implicitGrant = await RefusedAsync("""{"redirect_uris":["https://ok.example/cb"],"grant_types":["implicit"]}""");
        Assert.Equal("invalid_client_metadata", implicitGrant.GetProperty("error").GetString());
        Assert.Equal("$.grant_types", implicitGrant.GetProperty("path").GetString());

        var notJson = await RefusedAsync("{");
        Assert.Equal("invalid_client_metadata", notJson.GetProperty("error").GetString());
    }

    [Fact]
    public async Task SigningKeys_SurviveARestart_SoIssuedTokensStillWork()
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-oauth-restart-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var settings = new Dictionary<string, string?> { ["Storage:Path"] = Path.Combine(directory, "s.db") };
            string accessToken;
            int port;
            await using (var first = await OAuthFlow.StartServerAsync(settings))
            {
                var password = await OAuthFlow.CreateOperatorAsync(first);
                using var flow = new OAuthFlow(first.BaseAddress);
                (_, accessToken, _) = await flow.ApprovedTokensAsync(password, "posts:read");
                port = first.BaseAddress.Port;
            }

            // A new process on the same database (and port: the token is bound to that resource) reads the token.
            settings["Http:Urls"] = $"http://127.0.0.1:{port}";
            await using var second = await OAuthFlow.StartServerAsync(settings);
            Assert.Equal(HttpStatusCode.OK, (await CallAsync(second, accessToken, "list_posts")).Status);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }
}
