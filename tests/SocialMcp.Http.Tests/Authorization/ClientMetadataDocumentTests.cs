using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SocialMcp.Http.Tests.Support;

namespace SocialMcp.Http.Tests.Authorization;

/// <summary>
/// Client ID metadata documents: a client_id that is a URL is fetched through the fetch guard (loopback only because
/// the test allow-lists 127.0.0.1 in Media:AllowedHosts), checked, and then goes through the same consent and PKCE.
/// </summary>
public sealed class ClientMetadataDocumentTests
{
    /// <summary>Serves JSON documents on an ephemeral loopback port.</summary>
    private sealed class DocumentHost : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private DocumentHost(WebApplication app, Uri baseAddress)
        {
            _app = app;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public string UrlOf(string path) => new Uri(BaseAddress, path).AbsoluteUri;

        public static async Task<DocumentHost> StartAsync(Func<DocumentHost, IReadOnlyDictionary<string, object>> documents)
        {
            var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
            builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
            builder.Services.AddRoutingCore();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            DocumentHost? host = null;
            app.Run(async context =>
            {
                if (host is not null && documents(host).TryGetValue(context.Request.Path.Value ?? "", out var document))
                {
                    await context.Response.WriteAsJsonAsync(document);
                    return;
                }
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            });
            await app.StartAsync();
            host = new DocumentHost(app, new Uri(app.Urls.Single()));
            return host;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static Dictionary<string, object> Documents(DocumentHost host) => new()
    {
        ["/oauth/client.json"] = new Dictionary<string, object>
        {
            ["client_id"] = host.UrlOf("/oauth/client.json"),
            ["client_name"] = "Metadata Document Client",
            ["redirect_uris"] = new[] { OAuthFlow.RedirectUri },
            ["token_endpoint_auth_method"] = "none",
        },
        ["/oauth/impostor.json"] = new Dictionary<string, object>
        {
            ["client_id"] = "https://somebody-else.example/client.json",
            ["client_name"] = "Impostor",
            ["redirect_uris"] = new[] { OAuthFlow.RedirectUri },
        },
        ["/oauth/secret.json"] = new Dictionary<string, object>
        {
            ["client_id"] = host.UrlOf("/oauth/secret.json"),
            ["redirect_uris"] = new[] { OAuthFlow.RedirectUri },
            ["token_endpoint_auth_method"] = "client_secret_basic",
        },
    };

    private static Task<TestServer> StartServerAsync() =>
        OAuthFlow.StartServerAsync(new Dictionary<string, string?> { ["Media:AllowedHosts:0"] = "127.0.0.1" });

    [Fact]
    public async Task UrlClientId_IsFetched_ShownByItsName_AndGetsATokenThroughConsentAndPkce()
    {
        await using var documents = await DocumentHost.StartAsync(Documents);
        await using var server = await StartServerAsync();
        var password = await OAuthFlow.CreateOperatorAsync(server);
        using var flow = new OAuthFlow(server.BaseAddress);
        var clientId = documents.UrlOf("/oauth/client.json");

        using var page = await flow.GetAsync(OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create()));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var consent = await flow.SignInAsync(await page.Content.ReadAsStringAsync(), password);
        Assert.Contains("Metadata Document Client", consent);

        var (code, pkce) = await flow.AuthorizeAsync(clientId, password, ["posts:read"]);
        var (status, tokens) = await flow.ExchangeAsync(clientId, code, pkce.Verifier);
        Assert.True(status == HttpStatusCode.OK, tokens.ToString());

        var response = await server.SendAsync(server.Post(JsonRpc.Request(1, "tools/call", """{"name":"list_posts","arguments":{}}"""),
            tokens.GetProperty("access_token").GetString()));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("/oauth/impostor.json", "invalid_client_metadata", "$.client_id")]
    [InlineData("/oauth/secret.json", "invalid_client_metadata", "$.token_endpoint_auth_method")]
    [InlineData("/oauth/missing.json", "invalid_client", "$.client_id")]
    public async Task BadDocument_IsRefusedOnTheServer_WithTheSpecError(string path, string error, string jsonPath)
    {
        await using var documents = await DocumentHost.StartAsync(Documents);
        await using var server = await StartServerAsync();
        using var flow = new OAuthFlow(server.BaseAddress);

        using var response = await flow.GetAsync(OAuthFlow.AuthorizeQuery(documents.UrlOf(path), OAuthFlow.Pkce.Create()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.Equal(jsonPath, body.GetProperty("path").GetString());
    }

    [Theory]
    // Plain http from a host that is not allow-listed, and an https URL on an address the fetch guard refuses.
    [InlineData("http://localhost:1/oauth/client.json")]
    [InlineData("https://169.254.169.254/latest/client.json")]
    [InlineData("https://client.example/")]
    public async Task UrlThatIsNotAcceptable_IsInvalidClient_AndNothingIsRegistered(string clientId)
    {
        await using var server = await StartServerAsync();
        using var flow = new OAuthFlow(server.BaseAddress);

        using var response = await flow.GetAsync(OAuthFlow.AuthorizeQuery(clientId, OAuthFlow.Pkce.Create()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_client", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }
}
