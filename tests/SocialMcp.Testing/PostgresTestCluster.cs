using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace SocialMcp.Testing;

/// <summary>
/// One PostgreSQL server per test process, started on first use by the project's own script (tests/postgres/cluster.sh:
/// Debian's postgresql, a throwaway cluster in a temp folder on a free loopback port) and stopped when the process exits.
/// With <c>SOCIALMCP_TEST_POSTGRES</c> set to a connection string, that server is used instead. Each test gets its own
/// database (<see cref="CreateDatabaseAsync"/>); nothing is ever skipped: a server that cannot start fails the test with
/// the script's message, which says how to fix it.
/// </summary>
public sealed class PostgresTestCluster
{
    private static readonly Lazy<Task<PostgresTestCluster>> SharedCluster = new(StartAsync);

    private readonly string _adminConnectionString;
    private readonly SemaphoreSlim _templateGate = new(1, 1);
    private readonly HashSet<string> _templates = new(StringComparer.Ordinal);

    private PostgresTestCluster(string adminConnectionString) => _adminConnectionString = adminConnectionString;

    public static Task<PostgresTestCluster> SharedAsync() => SharedCluster.Value;

    /// <summary>A connection string to the server's <c>postgres</c> database, as a superuser.</summary>
    public string AdminConnectionString => _adminConnectionString;

    /// <summary>The connection string of <paramref name="database"/> on this server.</summary>
    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder(_adminConnectionString) { Database = database, MaxPoolSize = 20 }.ConnectionString;

    /// <summary>
    /// Creates an empty database, or a copy of <paramref name="template"/> (made once per process by <paramref name="prepareTemplate"/>,
    /// e.g. with every migration applied, so each test starts on a migrated schema in milliseconds).
    /// </summary>
    public async Task<string> CreateDatabaseAsync(string? template = null, Func<string, Task>? prepareTemplate = null)
    {
        if (template is not null)
            await EnsureTemplateAsync(template, prepareTemplate);
        var name = "t_" + Guid.NewGuid().ToString("N");
        await ExecuteAdminAsync(template is null ? $"CREATE DATABASE {name};" : $"CREATE DATABASE {name} TEMPLATE {template};");
        return name;
    }

    public async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE);");
    }

    private async Task EnsureTemplateAsync(string template, Func<string, Task>? prepare)
    {
        await _templateGate.WaitAsync();
        try
        {
            if (_templates.Contains(template))
                return;
            await ExecuteAdminAsync($"DROP DATABASE IF EXISTS {template} WITH (FORCE);");
            await ExecuteAdminAsync($"CREATE DATABASE {template};");
            if (prepare is not null)
                await prepare(ConnectionStringFor(template));
            // A template cannot be copied while anyone is connected to it: the preparation's pooled connections go.
            NpgsqlConnection.ClearAllPools();
            _templates.Add(template);
        }
        finally
        {
            _templateGate.Release();
        }
    }

    private async Task ExecuteAdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<PostgresTestCluster> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("SOCIALMCP_TEST_POSTGRES") is { Length: > 0 } external)
            return new PostgresTestCluster(external);

        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-pg-" + Guid.NewGuid().ToString("N")[..12]);
        var port = FreeLoopbackPort();
        var script = FindScript();
        var (code, output) = await RunAsync(script, "start", directory, port.ToString());
        if (code != 0)
            throw new InvalidOperationException(
                $"The test PostgreSQL server did not start ({script} exit {code}). {output.Trim()}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            RunAsync(script, "stop", directory).GetAwaiter().GetResult();
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return new PostgresTestCluster($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Timeout=30;Command Timeout=60");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "postgres", "cluster.sh");
            if (File.Exists(candidate))
                return candidate;
        }
        throw new FileNotFoundException("tests/postgres/cluster.sh not found above " + AppContext.BaseDirectory);
    }

    private static async Task<(int Code, string Output)> RunAsync(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardError = true, RedirectStandardOutput = true };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }
}
