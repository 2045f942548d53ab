using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SocialMcp.Platforms.Tokens.KeyRing;

/// <summary>How the key ring's keys are protected at rest, as reported once at start-up.</summary>
public enum KeyRingProtectionMode
{
    /// <summary>Encrypted with <c>Tokens:KeyEncryptionSecret</c> (AES-256-GCM, <see cref="SecretXmlEncryptor"/>).</summary>
    Secret,

    /// <summary>Encrypted with Windows DPAPI for the current user.</summary>
    Dpapi,

    /// <summary>Owner-only file permissions and nothing else.</summary>
    FilePermissionsOnly,
}

public static class KeyRingProtection
{
    public const string KeysDirectoryKey = "Tokens:KeysDirectory";

    /// <summary>
    /// The Data Protection set-up of the token vault: application name "socialmcp"; keys in <c>Tokens:KeysDirectory</c>
    /// (when set; the host otherwise puts them beside the database) in an owner-only directory; each new key encrypted
    /// with <c>Tokens:KeyEncryptionSecret</c> when set, else with DPAPI on Windows. Keys written before encryption was
    /// turned on carry no encryption marker and still load, so tokens encrypted with them still decrypt.
    /// </summary>
    public static IServiceCollection AddProtectedKeyRing(this IServiceCollection services)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName("socialmcp");
        if (OperatingSystem.IsWindows())
            dataProtection.ProtectKeysWithDpapi();

        services.AddSingleton(provider => KeyEncryptionSecret.From(provider.GetRequiredService<IConfiguration>()));
        // Registered after ProtectKeysWithDpapi, so a configured secret wins over DPAPI.
        services.AddOptions<KeyManagementOptions>().Configure<IServiceProvider>((keys, provider) =>
        {
            var configuration = provider.GetRequiredService<IConfiguration>();
            if (configuration[KeysDirectoryKey] is { Length: > 0 } directory && !string.IsNullOrWhiteSpace(directory))
                keys.XmlRepository = OwnerOnlyKeyDirectory.Open(directory, LoggerFactoryOf(provider));
            var secret = provider.GetRequiredService<KeyEncryptionSecret>();
            if (secret.IsSet)
                keys.XmlEncryptor = new SecretXmlEncryptor(secret);
        });
        services.AddHostedService<KeyRingProtectionReport>();
        RemoveStartUpKeyRingLoad(services);
        return services;
    }

    /// <summary>
    /// Data Protection registers a hosted service that reads (or on a new install creates) the key ring at start-up. No
    /// first request needs a key: only reading or storing an account token does, and the key ring then loads on that first
    /// use. Loading it at start-up put the key files, their decryption and the crypto library on the path to the first
    /// answer (issue 18, bench/README.md). Matched by name because the type is internal; if it is ever renamed, the
    /// key ring is simply loaded at start-up again.
    /// </summary>
    private static void RemoveStartUpKeyRingLoad(IServiceCollection services)
    {
        var startUpLoad = services.FirstOrDefault(d => d.ServiceType == typeof(IHostedService)
            && d.ImplementationType is { Name: "DataProtectionHostedService" } type
            && type.Assembly == typeof(KeyManagementOptions).Assembly);
        if (startUpLoad is not null)
            services.Remove(startUpLoad);
    }

    /// <summary>Where the host keeps keys when <c>Tokens:KeysDirectory</c> is not set: only if nothing chose already.</summary>
    public static void UseKeyDirectoryUnlessConfigured(KeyManagementOptions keys, string directory, ILoggerFactory loggerFactory)
    {
        if (keys.XmlRepository is null)
            keys.XmlRepository = OwnerOnlyKeyDirectory.Open(directory, loggerFactory);
    }

    public static KeyRingProtectionMode ModeOf(KeyManagementOptions keys) => keys.XmlEncryptor switch
    {
        SecretXmlEncryptor => KeyRingProtectionMode.Secret,
        null => KeyRingProtectionMode.FilePermissionsOnly,
        _ => KeyRingProtectionMode.Dpapi,
    };

    private static ILoggerFactory LoggerFactoryOf(IServiceProvider provider) =>
        provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}

/// <summary>
/// At start-up: opens the key directory (which tightens its permissions) and says once how the keys are protected —
/// a warning when file permissions are all there is. Never logs the secret, only whether one is set.
/// </summary>
internal sealed class KeyRingProtectionReport(IOptions<KeyManagementOptions> keys, ILogger<KeyRingProtectionReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        switch (KeyRingProtection.ModeOf(keys.Value))
        {
            case KeyRingProtectionMode.FilePermissionsOnly:
                logger.LogWarning(
                    "The token key ring is protected by file permissions only (owner-only key directory). Set Tokens:KeyEncryptionSecret " +
                    "(SOCIALMCP_Tokens__KeyEncryptionSecret or user secrets) to encrypt new keys at rest.");
                break;
            case KeyRingProtectionMode.Secret:
                logger.LogInformation("The token key ring's new keys are encrypted with Tokens:KeyEncryptionSecret.");
                break;
            default:
                logger.LogInformation("The token key ring's new keys are encrypted with Windows DPAPI.");
                break;
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
