using System.Data.Common;
using System.Globalization;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace SocialMcp.Platforms.Tokens.KeyRing;

/// <summary>
/// The token key ring in the shared PostgreSQL database (table <c>data_protection_keys</c>), so a token one instance
/// encrypted decrypts on every other. A key is written once under its friendly name and never changed; a second write of
/// the same name is ignored. Keys are encrypted at rest only when <c>Tokens:KeyEncryptionSecret</c> is set.
/// </summary>
public sealed class KeyTable(Func<DbConnection> openConnection, TimeProvider time) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var connection = openConnection();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT xml FROM data_protection_keys ORDER BY created_at, friendly_name;";
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
            elements.Add(XElement.Parse(reader.GetString(0)));
        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var connection = openConnection();
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO data_protection_keys (friendly_name, xml, created_at) VALUES (@name, @xml, @created)
            ON CONFLICT (friendly_name) DO NOTHING;
            """;
        Add(command, "name", friendlyName);
        Add(command, "xml", element.ToString(SaveOptions.DisableFormatting));
        Add(command, "created", time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
        command.ExecuteNonQuery();
    }

    /// <summary>
    /// Runs <paramref name="work"/> while holding a PostgreSQL advisory lock that every instance takes for the same purpose,
    /// so instances that start together do it one after another.
    /// </summary>
    public void RunExclusive(Action work)
    {
        using var connection = openConnection();
        Execute(connection, "SELECT pg_advisory_lock(@key);");
        try
        {
            work();
        }
        finally
        {
            Execute(connection, "SELECT pg_advisory_unlock(@key);");
        }
    }

    /// <summary>The advisory lock key of key-ring creation ("SMCPKEYR" as 8 bytes).</summary>
    internal const long KeyRingLockKey = 0x534D43504B455952;

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        Add(command, "key", KeyRingLockKey);
        command.ExecuteNonQuery();
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}

/// <summary>
/// Makes sure the shared key ring has a usable key before anything encrypts, creating it under the key table's advisory
/// lock. Left to itself, every instance that starts on a fresh database would find no key and create its own at once;
/// with the lock, the first creates the key and the others find it.
/// </summary>
public sealed class SharedKeyRing(IKeyManager keyManager, KeyTable table, IOptions<KeyManagementOptions> options, TimeProvider time)
{
    public void EnsureKey()
    {
        // Another repository was configured (Tokens:KeysDirectory): this table is not where the keys are.
        if (!ReferenceEquals(options.Value.XmlRepository, table))
            return;
        table.RunExclusive(() =>
        {
            var now = time.GetUtcNow();
            var usable = keyManager.GetAllKeys().Any(key => !key.IsRevoked && key.ActivationDate <= now && key.ExpirationDate > now);
            if (!usable)
                keyManager.CreateNewKey(now, now + options.Value.NewKeyLifetime);
        });
    }
}

public static class SharedKeyRingServiceCollectionExtensions
{
    /// <summary>
    /// Keeps the token key ring in the shared database's <c>data_protection_keys</c> table, unless <c>Tokens:KeysDirectory</c>
    /// names a folder. <paramref name="openConnection"/> gives an open connection to the database (the store's pool).
    /// </summary>
    public static IServiceCollection AddSharedKeyRing(this IServiceCollection services, Func<IServiceProvider, Func<DbConnection>> openConnection)
    {
        services.AddSingleton(provider => new KeyTable(openConnection(provider), provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SharedKeyRing>();
        services.AddOptions<KeyManagementOptions>().PostConfigure<KeyTable>((keys, table) => keys.XmlRepository ??= table);
        return services;
    }
}
