using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;

namespace SocialMcp.Server.Authorization;

/// <summary>
/// Dynamic client registration (RFC 7591) at <c>POST /auth/register</c>: a client posts its metadata and gets a client
/// id (and a secret when it asked for client_secret_basic or client_secret_post). Registering grants nothing: an
/// operator still approves the client on the consent page before it gets a token.
/// </summary>
internal static class ClientRegistrationEndpoint
{
    private const int MaxBodyBytes = 64 * 1024;

    public static void Map(IEndpointRouteBuilder app) => app.MapPost(AuthorizationPaths.Register, (Delegate)RegisterAsync);

    private static async Task<IResult> RegisterAsync(HttpContext context)
    {
        var services = context.RequestServices;
        services.GetRequiredService<AuthorizationDatabase>().EnsureCreated();
        JsonElement document;
        try
        {
            if (context.Request.ContentLength > MaxBodyBytes)
                return Refuse(new("invalid_client_metadata", $"The registration request may be at most {MaxBodyBytes} bytes.", "$", "Send only the metadata fields."));
            using var parsed = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            document = parsed.RootElement.Clone();
        }
        catch (JsonException)
        {
            return Refuse(new("invalid_client_metadata", "The body is not JSON.", "$", "POST a JSON object with Content-Type: application/json."));
        }

        if (ClientMetadata.Read(document, allowSecrets: true, out var error) is not { } metadata)
            return Refuse(error!);

        var clientId = "client_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var secret = metadata.Confidential ? Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_') : null;
        var descriptor = metadata.ToDescriptor(clientId, "dynamic");
        descriptor.ClientSecret = secret;
        await services.GetRequiredService<IOpenIddictApplicationManager>().CreateAsync(descriptor, context.RequestAborted);

        var body = new Dictionary<string, object?>
        {
            ["client_id"] = clientId,
            ["client_id_issued_at"] = services.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds(),
            ["client_name"] = metadata.Name,
            ["redirect_uris"] = metadata.RedirectUris,
            ["grant_types"] = new[] { "authorization_code", "refresh_token" },
            ["response_types"] = new[] { "code" },
            ["token_endpoint_auth_method"] = metadata.AuthMethod,
            ["scope"] = string.Join(' ', SocialMcp.Core.Access.Scopes.Known),
        };
        if (secret is not null)
        {
            body["client_secret"] = secret;
            body["client_secret_expires_at"] = 0;
        }
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(body, statusCode: StatusCodes.Status201Created);
    }

    private static IResult Refuse(ClientMetadataError error) => Results.Json(error.ToBody(), statusCode: StatusCodes.Status400BadRequest);
}
