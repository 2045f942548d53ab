using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace SocialMcp.Platforms.Tokens.KeyRing;

/// <summary>
/// The element a key's secret part becomes on disk when <c>Tokens:KeyEncryptionSecret</c> is set: AES-256-GCM with a
/// key derived by HKDF-SHA256 from the secret and a per-element salt. The <c>method</c> attribute names the scheme, so
/// a key ring read with the wrong or no secret fails with a message that says which setting to fix.
/// <code>&lt;keyEncryptedWithSecret method="aes-256-gcm/hkdf-sha256" salt="…" nonce="…" tag="…"&gt;base64&lt;/keyEncryptedWithSecret&gt;</code>
/// Data Protection on Linux and macOS offers only an X.509 certificate for this (whose private key would need the same
/// protection), so the scheme is ours (docs/decisions.md, "Key ring").
/// </summary>
internal static class SecretXmlFormat
{
    public const string ElementName = "keyEncryptedWithSecret";
    public const string Method = "aes-256-gcm/hkdf-sha256";
    private static readonly byte[] Info = "SocialMcp key ring v1"u8.ToArray();

    public static byte[] DeriveKey(KeyEncryptionSecret secret, byte[] salt) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, secret.Bytes(), 32, salt, Info);

    /// <summary>The method name is authenticated too: a file edited to claim another scheme does not decrypt.</summary>
    public static byte[] AssociatedData => System.Text.Encoding.ASCII.GetBytes(Method);
}

/// <summary>Encrypts each new key's XML with <see cref="KeyEncryptionSecret"/> before Data Protection stores it.</summary>
public sealed class SecretXmlEncryptor(KeyEncryptionSecret secret) : IXmlEncryptor
{
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        ArgumentNullException.ThrowIfNull(plaintextElement);
        var plaintext = System.Text.Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var salt = RandomNumberGenerator.GetBytes(16);
        var nonce = RandomNumberGenerator.GetBytes(AesGcm.NonceByteSizes.MaxSize);
        var tag = new byte[AesGcm.TagByteSizes.MaxSize];
        var ciphertext = new byte[plaintext.Length];
        var key = SecretXmlFormat.DeriveKey(secret, salt);
        try
        {
            using var aes = new AesGcm(key, tag.Length);
            aes.Encrypt(nonce, plaintext, ciphertext, tag, SecretXmlFormat.AssociatedData);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }

        var element = new XElement(SecretXmlFormat.ElementName,
            new XAttribute("method", SecretXmlFormat.Method),
            new XAttribute("salt", Convert.ToBase64String(salt)),
            new XAttribute("nonce", Convert.ToBase64String(nonce)),
            new XAttribute("tag", Convert.ToBase64String(tag)),
            new XComment(" Encrypted with Tokens:KeyEncryptionSecret; without that secret this key cannot be read. "),
            Convert.ToBase64String(ciphertext));
        return new EncryptedXmlInfo(element, typeof(SecretXmlDecryptor));
    }
}

/// <summary>
/// Decrypts what <see cref="SecretXmlEncryptor"/> wrote. Data Protection creates it by the type name stored in the key
/// file, passing the application's services, so it finds the secret there.
/// </summary>
public sealed class SecretXmlDecryptor : IXmlDecryptor
{
    private readonly KeyEncryptionSecret _secret;

    public SecretXmlDecryptor(IServiceProvider services) =>
        _secret = services.GetService<KeyEncryptionSecret>() ?? new KeyEncryptionSecret(null);

    public XElement Decrypt(XElement encryptedElement)
    {
        ArgumentNullException.ThrowIfNull(encryptedElement);
        var method = (string?)encryptedElement.Attribute("method");
        if (encryptedElement.Name.LocalName != SecretXmlFormat.ElementName || method != SecretXmlFormat.Method)
            throw new CryptographicException($"Unknown key ring encryption '{method}'; this build reads '{SecretXmlFormat.Method}'.");
        if (!_secret.IsSet)
        {
            throw new CryptographicException(
                $"This Data Protection key was encrypted with {KeyEncryptionSecret.ConfigurationKey}, which is not set. " +
                "Set it (SOCIALMCP_Tokens__KeyEncryptionSecret or user secrets) to the value it had when the key was made.");
        }

        byte[] salt, nonce, tag, ciphertext;
        try
        {
            salt = Convert.FromBase64String((string?)encryptedElement.Attribute("salt") ?? "");
            nonce = Convert.FromBase64String((string?)encryptedElement.Attribute("nonce") ?? "");
            tag = Convert.FromBase64String((string?)encryptedElement.Attribute("tag") ?? "");
            ciphertext = Convert.FromBase64String(string.Concat(encryptedElement.Nodes().OfType<XText>().Select(t => t.Value)).Trim());
        }
        catch (FormatException)
        {
            throw new CryptographicException("This Data Protection key file is damaged: its encrypted parts are not base64.");
        }
        var plaintext = new byte[ciphertext.Length];
        var key = SecretXmlFormat.DeriveKey(_secret, salt);
        try
        {
            using var aes = new AesGcm(key, tag.Length);
            aes.Decrypt(nonce, ciphertext, tag, plaintext, SecretXmlFormat.AssociatedData);
            return XElement.Parse(System.Text.Encoding.UTF8.GetString(plaintext));
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException(
                $"This Data Protection key does not decrypt with the configured {KeyEncryptionSecret.ConfigurationKey}: " +
                "the secret is not the one the key was encrypted with, or the key file was altered.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(key);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }
}
