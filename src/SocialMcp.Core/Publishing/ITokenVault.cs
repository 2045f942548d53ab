using SocialMcp.Core.Domain;

namespace SocialMcp.Core.Publishing;

/// <summary>
/// Turns an account's token reference into the access token for one platform call, and protects a new token for
/// storage. References name where the secret lives — encrypted in the database, an environment variable, the
/// sandbox — so the secret itself is never in a log, a result or a plain column.
/// </summary>
public interface ITokenVault
{
    /// <summary>
    /// The account's access token, renewed first (and stored) when it is expired or inside its renewal margin and the
    /// account can be refreshed; null when there is none or it cannot be decrypted.
    /// </summary>
    Task<string?> GetAccessTokenAsync(Account account, CancellationToken cancellationToken);

    /// <summary>The token reference to store for a new plaintext token (encrypted at rest).</summary>
    string Protect(string accessToken);
}

/// <summary>
/// Encrypts and decrypts the secrets stored beside accounts and connects (access and refresh tokens, PKCE verifiers,
/// grants waiting for a choice). A reference is what is stored; <see cref="Reveal"/> is called only just before use.
/// </summary>
public interface ITokenCipher
{
    /// <summary>A reference to store for <paramref name="secret"/> (encrypted with Data Protection).</summary>
    string Protect(string secret);

    /// <summary>The secret a reference names; null when there is none, or its key is gone (the account must be reconnected).</summary>
    string? Reveal(string? reference);
}
