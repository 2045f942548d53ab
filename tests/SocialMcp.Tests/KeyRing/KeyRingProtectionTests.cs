using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocialMcp.Core.Domain;
using SocialMcp.Core.Publishing;
using SocialMcp.Platforms.Tokens;
using SocialMcp.Platforms.Tokens.KeyRing;

namespace SocialMcp.Tests.KeyRing;

/// <summary>
/// The key ring that decrypts account tokens: owner-only files, key XML encrypted with Tokens:KeyEncryptionSecret, and
/// a wrong or missing secret that leaves tokens unreadable (the account must be reconnected) instead of crashing.
/// </summary>
public sealed class KeyRingProtectionTests : IDisposable
{
    private const string Secret = "correct horse battery staple 6f1d";
    private const string Token = "access-token-7c41e0d2b9";
    private readonly string _root = Path.Combine(Path.GetTempPath(), "socialmcp-keyring-" + Guid.NewGuid().ToString("N"));
    private string KeysDirectory => Path.Combine(_root, "keys");

    [Fact]
    public void OpenKeyDirectory_OverLooseModes_TightensDirectoryAndExistingFiles()
    {
        if (OperatingSystem.IsWindows()) return;
        Directory.CreateDirectory(KeysDirectory);
        File.SetUnixFileMode(KeysDirectory, (UnixFileMode)0b111_101_101);
        var oldKey = Path.Combine(KeysDirectory, "key-old.xml");
        File.WriteAllText(oldKey, "<key/>");
        File.SetUnixFileMode(oldKey, (UnixFileMode)0b110_100_100);

        using var provider = Build(secret: null);
        _ = provider.GetRequiredService<IOptions<KeyManagementOptions>>().Value;

        Assert.Equal(OwnerOnlyKeyDirectory.DirectoryMode, File.GetUnixFileMode(KeysDirectory));
        Assert.Equal(OwnerOnlyKeyDirectory.FileMode, File.GetUnixFileMode(oldKey));
    }

    [Fact]
    public async Task Protect_WithSecret_WritesAnOwnerOnlyKeyFileWithoutKeyMaterial()
    {
        using var provider = Build(Secret);
        var vault = provider.GetRequiredService<ITokenVault>();

        var reference = vault.Protect(Token);

        Assert.Equal(Token, await vault.GetAccessTokenAsync(AccountWith(reference), CancellationToken.None));
        var keyFile = Assert.Single(Directory.GetFiles(KeysDirectory, "*.xml"));
        var xml = File.ReadAllText(keyFile);
        Assert.Contains("keyEncryptedWithSecret", xml);
        Assert.Contains("aes-256-gcm/hkdf-sha256", xml);
        Assert.DoesNotContain("masterKey", xml);
        Assert.DoesNotContain(Secret, xml);
        Assert.DoesNotContain("unencrypted", xml, StringComparison.OrdinalIgnoreCase);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(OwnerOnlyKeyDirectory.FileMode, File.GetUnixFileMode(keyFile));
            Assert.Equal(OwnerOnlyKeyDirectory.DirectoryMode, File.GetUnixFileMode(KeysDirectory));
        }
    }

    [Fact]
    public async Task Unprotect_InANewProcessWithTheSameSecret_ReadsTheToken()
    {
        string reference;
        using (var first = Build(Secret))
            reference = first.GetRequiredService<ITokenVault>().Protect(Token);

        using var second = Build(Secret);

        Assert.Equal(Token, await second.GetRequiredService<ITokenVault>().GetAccessTokenAsync(AccountWith(reference), CancellationToken.None));
    }

    [Theory]
    [InlineData("a different secret entirely")]
    [InlineData(null)]
    public async Task Unprotect_WithWrongOrMissingSecret_ReadsNullWithoutThrowing(string? otherSecret)
    {
        string reference;
        using (var first = Build(Secret))
            reference = first.GetRequiredService<ITokenVault>().Protect(Token);

        using var second = Build(otherSecret);
        var token = await second.GetRequiredService<ITokenVault>().GetAccessTokenAsync(AccountWith(reference), CancellationToken.None);

        Assert.Null(token);
    }

    [Fact]
    public async Task Unprotect_KeyWrittenBeforeTheSecretWasSet_StillReadsTheToken()
    {
        string reference;
        using (var before = Build(secret: null))
            reference = before.GetRequiredService<ITokenVault>().Protect(Token);
        Assert.Contains("masterKey", File.ReadAllText(Assert.Single(Directory.GetFiles(KeysDirectory, "*.xml"))));

        using var after = Build(Secret);

        Assert.Equal(Token, await after.GetRequiredService<ITokenVault>().GetAccessTokenAsync(AccountWith(reference), CancellationToken.None));
    }

    [Fact]
    public void Decrypt_WithWrongSecret_FailsNamingTheSettingNotTheSecret()
    {
        var element = new XElement("masterKey", new XElement("value", "c2VjcmV0LWtleS1ieXRlcw=="));
        var encrypted = new SecretXmlEncryptor(new KeyEncryptionSecret(Secret)).Encrypt(element);
        Assert.DoesNotContain("c2VjcmV0LWtleS1ieXRlcw==", encrypted.EncryptedElement.ToString());

        var wrong = new SecretXmlDecryptor(ServicesWith(new KeyEncryptionSecret("wrong secret value")));
        var missing = new SecretXmlDecryptor(ServicesWith(new KeyEncryptionSecret(null)));
        var right = new SecretXmlDecryptor(ServicesWith(new KeyEncryptionSecret(Secret)));

        var wrongError = Assert.ThrowsAny<CryptographicException>(() => wrong.Decrypt(encrypted.EncryptedElement));
        Assert.Contains("Tokens:KeyEncryptionSecret", wrongError.Message);
        Assert.DoesNotContain("wrong secret value", wrongError.Message);
        var missingError = Assert.ThrowsAny<CryptographicException>(() => missing.Decrypt(encrypted.EncryptedElement));
        Assert.Contains("not set", missingError.Message);
        Assert.Equal(element.ToString(), right.Decrypt(encrypted.EncryptedElement).ToString());
    }

    [Fact]
    public async Task StartUp_WithoutSecret_WarnsOnceThatFilePermissionsAreAllThereIs()
    {
        if (OperatingSystem.IsWindows()) return;
        var logs = new CapturingLoggerProvider();
        using var provider = Build(secret: null, logs);

        foreach (var service in provider.GetServices<IHostedService>())
            await service.StartAsync(CancellationToken.None);

        var warning = Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("file permissions only"));
        Assert.Contains("Tokens:KeyEncryptionSecret", warning.Message);
    }

    [Fact]
    public async Task StartUp_LeavesTheKeyRingUnread_UntilTheFirstTokenIsProtected()
    {
        using var provider = Build(Secret);

        foreach (var service in provider.GetServices<IHostedService>())
            await service.StartAsync(CancellationToken.None);

        // A new install: Data Protection's own start-up service would have created the first key by now.
        Assert.Empty(Directory.Exists(KeysDirectory) ? Directory.GetFiles(KeysDirectory, "*.xml") : []);
        var reference = provider.GetRequiredService<ITokenVault>().Protect(Token);
        Assert.Single(Directory.GetFiles(KeysDirectory, "*.xml"));
        Assert.Equal(Token, await provider.GetRequiredService<ITokenVault>().GetAccessTokenAsync(AccountWith(reference), CancellationToken.None));
    }

    [Fact]
    public async Task StartUp_WithSecret_DoesNotWarnNorLogTheSecret()
    {
        var logs = new CapturingLoggerProvider();
        using var provider = Build(Secret, logs);

        foreach (var service in provider.GetServices<IHostedService>())
            await service.StartAsync(CancellationToken.None);
        provider.GetRequiredService<ITokenVault>().Protect(Token);

        Assert.DoesNotContain(logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("file permissions only"));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(Secret) || e.Message.Contains(Token));
    }

    private ServiceProvider Build(string? secret, CapturingLoggerProvider? logs = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [KeyRingProtection.KeysDirectoryKey] = KeysDirectory,
                [KeyEncryptionSecret.ConfigurationKey] = secret,
            })
            .Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(b =>
        {
            b.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null) b.AddProvider(logs);
        });
        services.AddProtectedKeyRing();
        services.AddSingleton<ITokenCipher, TokenCipher>();
        services.AddSingleton<ITokenVault, TokenVault>();
        return services.BuildServiceProvider();
    }

    private static IServiceProvider ServicesWith(KeyEncryptionSecret secret) =>
        new ServiceCollection().AddSingleton(secret).BuildServiceProvider();

    private static Account AccountWith(string tokenReference) => new()
    {
        Id = "acct-1",
        WorkspaceId = "ws",
        PlatformSetId = "set",
        Platform = Platform.X,
        Handle = "someone",
        PlatformAccountId = "42",
        TokenReference = tokenReference,
        IsSandbox = false,
        Metadata = JsonDocument.Parse("{}").RootElement,
        CreatedAt = TestTime.Start,
        UpdatedAt = TestTime.Start,
    };

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private sealed record LogEntry(LogLevel Level, string Message);

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<LogEntry> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Entries);

        public void Dispose() { }

        private sealed class Logger(ConcurrentQueue<LogEntry> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue(new LogEntry(logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
        }
    }
}
