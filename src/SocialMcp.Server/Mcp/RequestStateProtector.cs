using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using ModelContextProtocol;
using SocialMcp.Server.Http;

namespace SocialMcp.Server.Mcp;

/// <summary>
/// Seals and opens the <c>requestState</c> of a multi-round-trip call (MRTR, protocol 2026-07-28): a handler that throws
/// <see cref="ModelContextProtocol.Protocol.InputRequiredException"/> puts what it must remember into the state, the
/// client echoes it on the retry, and a stateless server trusts nothing else. The SDK passes the string through
/// untouched, so everything that makes it trustworthy is here: ASP.NET Core Data Protection (the key ring that already
/// protects platform tokens) encrypts and authenticates it, bound to the operation that issued it and to the caller's
/// API key, with an expiry read from the injected clock.
/// </summary>
public sealed class RequestStateProtector(IDataProtectionProvider dataProtection, TimeProvider time)
{
    /// <summary>How long a person in the loop has to answer before the client must start the call over.</summary>
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(15);

    private const string Purpose = "SocialMcp.Mcp.RequestState.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    /// <summary>
    /// The state to send with an <see cref="ModelContextProtocol.Protocol.InputRequiredResult"/>.
    /// </summary>
    /// <param name="operation">What issued it, e.g. <c>tools/call:publish_post</c>; only that operation can open it.</param>
    /// <param name="caller">The request's user (<c>RequestContext.User</c>); only the same API key can open it.</param>
    /// <param name="state">What the handler needs on the retry, in any text form.</param>
    public string Protect(string operation, ClaimsPrincipal? caller, string state, TimeSpan? lifetime = null)
    {
        var sealedState = new SealedState(KeyOf(caller), time.GetUtcNow() + (lifetime ?? DefaultLifetime), state);
        return _protector.CreateProtector(operation).Protect(JsonSerializer.Serialize(sealedState, StateJson.Default.SealedState));
    }

    /// <summary>
    /// What <see cref="Protect"/> sealed. Throws <see cref="McpProtocolException"/> (invalid params, a JSON-RPC error) when
    /// the state was altered, forged, issued for another operation or API key, or has expired: the spec requires a
    /// server to refuse state that fails its integrity check rather than act on it.
    /// </summary>
    public string Unprotect(string operation, ClaimsPrincipal? caller, string requestState)
    {
        SealedState? opened;
        try
        {
            opened = JsonSerializer.Deserialize(_protector.CreateProtector(operation).Unprotect(requestState), StateJson.Default.SealedState);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or JsonException)
        {
            opened = null;
        }

        // Another key's state is refused exactly like a forged one: it must not reveal that it exists.
        if (opened is null || opened.Key != KeyOf(caller))
        {
            throw new McpProtocolException(
                $"requestState failed its integrity check: it was altered, or this server did not issue it for {operation} to this caller. " +
                "Call again without requestState and inputResponses to start over.", McpErrorCode.InvalidParams);
        }

        if (time.GetUtcNow() >= opened.ExpiresAt)
        {
            throw new McpProtocolException(
                $"requestState expired at {opened.ExpiresAt:O}; the answers it waited for came too late. " +
                "Call again without requestState and inputResponses to start over.", McpErrorCode.InvalidParams);
        }
        return opened.State;
    }

    private static string? KeyOf(ClaimsPrincipal? caller) => caller?.FindFirst(CallerClaims.KeyId)?.Value;
}

internal sealed record SealedState(string? Key, DateTimeOffset ExpiresAt, string State);

[System.Text.Json.Serialization.JsonSerializable(typeof(SealedState))]
internal sealed partial class StateJson : System.Text.Json.Serialization.JsonSerializerContext;
