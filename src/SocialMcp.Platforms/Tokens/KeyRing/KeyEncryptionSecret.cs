using Microsoft.Extensions.Configuration;

namespace SocialMcp.Platforms.Tokens.KeyRing;

/// <summary>
/// <c>Tokens:KeyEncryptionSecret</c>: the secret the Data Protection key ring is encrypted with where the OS offers no
/// protection of its own. From the environment (<c>SOCIALMCP_Tokens__KeyEncryptionSecret</c>) or user secrets; it is
/// never logged, and <see cref="ToString"/> does not show it.
/// </summary>
public sealed class KeyEncryptionSecret
{
    public const string ConfigurationKey = "Tokens:KeyEncryptionSecret";

    private readonly string? _value;

    public KeyEncryptionSecret(string? value) => _value = string.IsNullOrEmpty(value) ? null : value;

    public static KeyEncryptionSecret From(IConfiguration configuration) => new(configuration[ConfigurationKey]);

    public bool IsSet => _value is not null;

    /// <summary>The secret's bytes for key derivation; only the encryptor and decryptor call this.</summary>
    internal byte[] Bytes() => _value is null
        ? throw new InvalidOperationException($"{ConfigurationKey} is not set.")
        : System.Text.Encoding.UTF8.GetBytes(_value);

    public override string ToString() => IsSet ? "KeyEncryptionSecret(set)" : "KeyEncryptionSecret(not set)";
}
