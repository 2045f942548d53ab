using Microsoft.Extensions.Options;
using Npgsql;

namespace SocialMcp.Storage.Postgres;

/// <summary>
/// The one <see cref="NpgsqlDataSource"/> of the process: a connection pool for <c>Storage:ConnectionString</c>. Every
/// connection is tagged with this instance's name (application_name), so the server's own views tell instances apart.
/// </summary>
public sealed class PostgresDataSource : IAsyncDisposable
{
    public PostgresDataSource(IOptions<StorageOptions> options)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.Value.ConnectionString);
        if (string.IsNullOrEmpty(builder.ApplicationName))
            builder.ApplicationName = "socialmcp";
        // The notification triggers (0002_cluster.sql) put this in their payloads, so an instance knows its own writes.
        InstanceId = Guid.NewGuid().ToString("N")[..16];
        builder.Options = string.IsNullOrWhiteSpace(builder.Options)
            ? $"-c {InstanceSetting}={InstanceId}"
            : $"{builder.Options} -c {InstanceSetting}={InstanceId}";
        ConnectionString = builder.ConnectionString;
        DataSource = NpgsqlDataSource.Create(builder);
    }

    /// <summary>The custom setting that carries <see cref="InstanceId"/> on every connection of this process.</summary>
    public const string InstanceSetting = "socialmcp.instance";

    /// <summary>This process among the instances sharing the database; new at every start.</summary>
    public string InstanceId { get; }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => DataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
