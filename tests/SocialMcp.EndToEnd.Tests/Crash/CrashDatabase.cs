using Microsoft.Data.Sqlite;
using Npgsql;
using SocialMcp.Testing;

namespace SocialMcp.EndToEnd.Tests.Crash;

/// <summary>
/// The store a crash test runs on: a template made once (every account connected through the CLI), a fresh copy of it per
/// chain of runs, and the settings that start a server (or the CLI) on a copy. SQLite copies a folder; PostgreSQL copies a
/// database of the shared test server (CREATE DATABASE … TEMPLATE).
/// </summary>
public abstract class CrashDatabase(string root) : IAsyncDisposable
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    protected string Root => root;

    public static CrashDatabase For(string store, string root) => store switch
    {
        Sqlite => new SqliteCrashDatabase(root),
        Postgres => new PostgresCrashDatabase(root),
        _ => throw new ArgumentException($"Unknown store '{store}'.", nameof(store)),
    };

    /// <summary>Makes the template: <paramref name="connect"/> runs the CLI on it (the <c>--db</c> path and the environment to use).</summary>
    public abstract Task CreateTemplateAsync(Func<string, IDictionary<string, string?>, Task> connect);

    /// <summary>The id of the platform set <paramref name="name"/> in the template.</summary>
    public abstract Task<string> SetIdAsync(string name);

    /// <summary>A fresh copy of the template for chain <paramref name="chain"/>; answers the server's <c>--db</c> path.</summary>
    public abstract Task<string> NewChainAsync(int chain);

    /// <summary>The environment a server on the current chain needs (none for SQLite).</summary>
    public abstract IDictionary<string, string?> ServerEnvironment { get; }

    /// <summary>The first column of the first row of <paramref name="sql"/> on the current chain's copy, as text.</summary>
    public abstract Task<string?> ScalarAsync(string sql);

    /// <summary>Starts a killable stdio server on the current chain's copy.</summary>
    public Task<ServerProcess> StartServerAsync(string database) => ServerProcess.StartKillableAsync(database, ServerEnvironment);

    public abstract ValueTask DisposeAsync();

    private sealed class SqliteCrashDatabase(string root) : CrashDatabase(root)
    {
        private string? _current;

        private string Template => Path.Combine(Root, "template");

        public override async Task CreateTemplateAsync(Func<string, IDictionary<string, string?>, Task> connect)
        {
            Directory.CreateDirectory(Template);
            await connect(Path.Combine(Template, "crash.db"), new Dictionary<string, string?>());
        }

        public override async Task<string> SetIdAsync(string name)
        {
            await using var connection = new SqliteConnection($"Data Source={Path.Combine(Template, "crash.db")}");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT id FROM platform_sets WHERE name = @name;";
            command.Parameters.AddWithValue("@name", name);
            var id = (string)(await command.ExecuteScalarAsync())!;
            await connection.CloseAsync();
            SqliteConnection.ClearAllPools();
            return id;
        }

        public override Task<string> NewChainAsync(int chain)
        {
            var folder = Path.Combine(Root, $"chain-{chain}");
            CrashRecoveryTests.CopyDirectory(Template, folder);
            _current = Path.Combine(folder, "crash.db");
            return Task.FromResult(_current);
        }

        public override async Task<string?> ScalarAsync(string sql)
        {
            await using var connection = new SqliteConnection($"Data Source={_current};Mode=ReadOnly;Pooling=False");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            return (await command.ExecuteScalarAsync())?.ToString();
        }

        public override IDictionary<string, string?> ServerEnvironment => new Dictionary<string, string?>();

        public override ValueTask DisposeAsync()
        {
            SqliteConnection.ClearAllPools();
            return ValueTask.CompletedTask;
        }
    }

    /// <summary>
    /// The token key ring and the per-user data folder stay in the test's folder, shared by the template and every copy
    /// (the tokens in a copy were encrypted with that ring).
    /// </summary>
    private sealed class PostgresCrashDatabase(string root) : CrashDatabase(root)
    {
        private readonly List<string> _databases = [];
        private PostgresTestCluster? _cluster;
        private string? _template;
        private string? _current;

        private IDictionary<string, string?> EnvironmentFor(string database) => new Dictionary<string, string?>
        {
            ["SOCIALMCP_Storage__Provider"] = "postgres",
            ["SOCIALMCP_Storage__ConnectionString"] = _cluster!.ConnectionStringFor(database),
            ["SOCIALMCP_Tokens__KeysDirectory"] = Path.Combine(Root, "keys"),
            ["XDG_DATA_HOME"] = Path.Combine(Root, "home"),
        };

        public override async Task CreateTemplateAsync(Func<string, IDictionary<string, string?>, Task> connect)
        {
            _cluster = await PostgresTestCluster.SharedAsync();
            _template = "crash_tpl_" + Guid.NewGuid().ToString("N");
            // The template's own (empty) copy is dropped at once: what matters is the template, which the CLI migrates and fills.
            var first = await _cluster.CreateDatabaseAsync(_template, async _ =>
            {
                Directory.CreateDirectory(Path.Combine(Root, "template"));
                await connect(Path.Combine(Root, "template", "unused.db"), EnvironmentFor(_template));
            });
            await _cluster.DropDatabaseAsync(first);
        }

        public override async Task<string> SetIdAsync(string name)
        {
            await using (var connection = new NpgsqlConnection(_cluster!.ConnectionStringFor(_template!)))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT id FROM platform_sets WHERE name = @name", connection);
                command.Parameters.AddWithValue("name", name);
                var id = (string)(await command.ExecuteScalarAsync())!;
                NpgsqlConnection.ClearAllPools();
                return id;
            }
        }

        public override async Task<string> NewChainAsync(int chain)
        {
            _current = await _cluster!.CreateDatabaseAsync(_template);
            _databases.Add(_current);
            var folder = Path.Combine(Root, $"chain-{chain}");
            Directory.CreateDirectory(folder);
            return Path.Combine(folder, "unused.db");
        }

        public override IDictionary<string, string?> ServerEnvironment => EnvironmentFor(_current!);

        public override async Task<string?> ScalarAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(_cluster!.ConnectionStringFor(_current!) + ";Pooling=false");
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            return (await command.ExecuteScalarAsync())?.ToString();
        }

        public override async ValueTask DisposeAsync()
        {
            if (_cluster is null)
                return;
            foreach (var database in _databases)
                await _cluster.DropDatabaseAsync(database);
            if (_template is not null)
                await _cluster.DropDatabaseAsync(_template);
        }
    }
}
