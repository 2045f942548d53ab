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
        ConnectionString = builder.ConnectionString;
        DataSource = NpgsqlDataSource.Create(builder);
    }

    public string ConnectionString { get; }

    public NpgsqlDataSource DataSource { get; }

    public ValueTask<NpgsqlConnection> OpenAsync(CancellationToken cancellationToken) => DataSource.OpenConnectionAsync(cancellationToken);

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
