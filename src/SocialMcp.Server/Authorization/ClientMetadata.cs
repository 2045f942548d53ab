using System.Net;
using System.Text.Json;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace SocialMcp.Server.Authorization;

/// <summary>A refusal of client metadata: RFC 7591's error and description, with our JSON path and hint.</summary>
public sealed record ClientMetadataError(string Error, string Description, string Path, string Hint)
{
    public Dictionary<string, string> ToBody() => new()
    {
        ["error"] = Error,
        ["error_description"] = Description,
        ["path"] = Path,
        ["hint"] = Hint,
    };
}

/// <summary>Client metadata (RFC 7591 §2) as this server accepts it, from a registration request or a metadata document.</summary>
public sealed record ClientMetadata(string Name, IReadOnlyList<string> RedirectUris, bool Confidential, string AuthMethod, string? ClientUri)
{
    private static readonly string[] RefusedSchemes = ["javascript", "data", "file", "vbscript", "about", "blob"];

    /// <summary>
    /// Reads and checks the metadata. Redirect URIs must be absolute without a fragment: https, http on a loopback host
    /// (native apps, RFC 8252), or a private-use scheme (<c>cursor://…</c>); they are matched exactly later.
    /// Only the authorization-code grant with refresh tokens and the code response type are offered.
    /// </summary>
    public static ClientMetadata? Read(JsonElement document, bool allowSecrets, out ClientMetadataError? error)
    {
        error = null;
        if (document.ValueKind != JsonValueKind.Object)
        {
            error = new("invalid_client_metadata", "The client metadata must be a JSON object.", "$", "Send {\"redirect_uris\": [\"https://…\"], \"client_name\": \"…\"}.");
            return null;
        }

        if (!document.TryGetProperty("redirect_uris", out var uris) || uris.ValueKind != JsonValueKind.Array || uris.GetArrayLength() == 0)
        {
            error = new("invalid_redirect_uri", "redirect_uris is required: a non-empty array of absolute URIs.", "$.redirect_uris",
                "List every URI the client will send as redirect_uri; they are matched exactly.");
            return null;
        }
        var redirectUris = new List<string>();
        var index = 0;
        foreach (var uri in uris.EnumerateArray())
        {
            var path = $"$.redirect_uris[{index++}]";
            var why = "not a string";
            if (uri.ValueKind != JsonValueKind.String || !IsAcceptableRedirectUri(uri.GetString()!, out why))
            {
                error = new("invalid_redirect_uri", $"This redirect URI is not accepted: {why}.", path,
                    "Use https, http on 127.0.0.1/localhost/[::1], or a private-use scheme such as com.example.app:/callback; no fragment.");
                return null;
            }
            redirectUris.Add(uri.GetString()!);
        }

        var authMethod = OptionalString(document, "token_endpoint_auth_method") ?? ClientAuthenticationMethods.None;
        var confidential = authMethod is ClientAuthenticationMethods.ClientSecretBasic or ClientAuthenticationMethods.ClientSecretPost;
        if (authMethod != ClientAuthenticationMethods.None && !(confidential && allowSecrets))
        {
            error = new("invalid_client_metadata", $"token_endpoint_auth_method '{authMethod}' is not supported here.", "$.token_endpoint_auth_method",
                allowSecrets ? "Use none (a public client with PKCE), client_secret_basic or client_secret_post." : "A metadata document client is public: use none.");
            return null;
        }

        if (document.TryGetProperty("grant_types", out var grants) && grants.ValueKind == JsonValueKind.Array
            && grants.EnumerateArray().Any(g => g.GetString() is not (GrantTypes.AuthorizationCode or GrantTypes.RefreshToken)))
        {
            error = new("invalid_client_metadata", "Only the authorization_code and refresh_token grant types are offered.", "$.grant_types",
                "Ask for [\"authorization_code\", \"refresh_token\"].");
            return null;
        }
        if (document.TryGetProperty("response_types", out var responses) && responses.ValueKind == JsonValueKind.Array
            && responses.EnumerateArray().Any(r => r.GetString() is not ResponseTypes.Code))
        {
            error = new("invalid_client_metadata", "Only the code response type is offered.", "$.response_types", "Ask for [\"code\"].");
            return null;
        }

        var name = OptionalString(document, "client_name") is { Length: > 0 } given ? given.Trim() : "Unnamed client";
        if (name.Length > 200)
            name = name[..200];
        return new ClientMetadata(name, redirectUris, confidential, authMethod, OptionalString(document, "client_uri"));
    }

    /// <summary>The application descriptor for OpenIddict: a public or confidential client of the code flow, PKCE required, our scopes.</summary>
    public OpenIddictApplicationDescriptor ToDescriptor(string clientId, string registration)
    {
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            DisplayName = Name,
            ClientType = Confidential ? ClientTypes.Confidential : ClientTypes.Public,
            ConsentType = ConsentTypes.Explicit,
            Permissions =
            {
                Permissions.Endpoints.Authorization, Permissions.Endpoints.Token, Permissions.Endpoints.Revocation,
                Permissions.GrantTypes.AuthorizationCode, Permissions.GrantTypes.RefreshToken, Permissions.ResponseTypes.Code,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        foreach (var scope in AuthorizationServerSetup.TokenScopes)
            descriptor.Permissions.Add(Permissions.Prefixes.Scope + scope);
        foreach (var uri in RedirectUris)
            descriptor.RedirectUris.Add(new Uri(uri));
        descriptor.Properties[ApprovedClients.RegistrationProperty] = JsonSerializer.SerializeToElement(registration);
        return descriptor;
    }

    internal static bool IsAcceptableRedirectUri(string value, out string why)
    {
        why = "";
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            why = "not an absolute URI";
            return false;
        }
        if (uri.Fragment.Length > 0)
        {
            why = "it has a fragment";
            return false;
        }
        if (uri.Scheme == Uri.UriSchemeHttps)
            return true;
        if (uri.Scheme == Uri.UriSchemeHttp)
        {
            if (uri.IsLoopback || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip))
                return true;
            why = "plain http is only for loopback hosts";
            return false;
        }
        if (RefusedSchemes.Contains(uri.Scheme, StringComparer.OrdinalIgnoreCase))
        {
            why = $"the {uri.Scheme} scheme cannot receive a code";
            return false;
        }
        return true;
    }

    private static string? OptionalString(JsonElement document, string name) =>
        document.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
