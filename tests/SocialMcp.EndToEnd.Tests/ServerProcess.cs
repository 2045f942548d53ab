using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SocialMcp.EndToEnd.Tests;

/// <summary>
/// The real socialmcp executable, spawned over stdio by the C# SDK client, on a fresh database in a temp directory.
/// The server binary is the one the test project builds next to itself (it references the server project).
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly List<string> _stderr;
    private readonly Process? _process;
    private bool _disposed;

    private ServerProcess(string directory, McpClient client, List<string> stderr, Process? process = null)
    {
        Directory = directory;
        Client = client;
        _stderr = stderr;
        _process = process;
    }

    public string Directory { get; }
    public string DatabasePath => Path.Combine(Directory, "e2e.db");
    public McpClient Client { get; }

    /// <summary>What the server wrote to stderr (its logs); stdout is JSON-RPC only.</summary>
    public IReadOnlyList<string> StandardError { get { lock (_stderr) return [.. _stderr]; } }

    /// <summary>The client every test uses, connected through <paramref name="transport"/> within a minute.</summary>
    public static async Task<McpClient> ConnectAsync(IClientTransport transport, string? protocolVersion = null)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "socialmcp-e2e", Version = "1.0" },
            ProtocolVersion = protocolVersion,
            // A loaded machine can take longer than the SDK's 5 s discover probe to start a server; the probe timing out would
            // silently fall back to the initialize handshake and test the wrong revision. The overall timeout still applies.
            DiscoverProbeTimeout = Timeout.InfiniteTimeSpan,
        }, cancellationToken: timeout.Token);
    }

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "socialmcp-e2e-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    public static async Task<ServerProcess> StartAsync(IDictionary<string, string?>? environment = null, string? databasePath = null)
    {
        var directory = NewDirectory();
        var server = Path.Combine(AppContext.BaseDirectory, "socialmcp.dll");
        var stderr = new List<string>();
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "socialmcp",
            Command = "dotnet",
            Arguments = [server, "serve", "--db", databasePath ?? Path.Combine(directory, "e2e.db")],
            WorkingDirectory = directory,
            EnvironmentVariables = environment ?? new Dictionary<string, string?>(),
            StandardErrorLines = line => { lock (stderr) stderr.Add(line); },
        });
        return new ServerProcess(directory, await ConnectAsync(transport), stderr);
    }

    /// <summary>
    /// The server on an existing database, spawned by this class rather than by the SDK's stdio transport so that a test can
    /// <see cref="Kill"/> it (SIGKILL on Linux) and start another on the same file, as after a crash.
    /// </summary>
    public static async Task<ServerProcess> StartKillableAsync(string databasePath, IDictionary<string, string?>? environment = null)
    {
        var directory = NewDirectory();
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), "serve", "--db", databasePath])
        {
            WorkingDirectory = directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
            info.Environment[name] = value;
        var stderr = new List<string>();
        var process = new Process { StartInfo = info };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
                lock (stderr) stderr.Add(line.Data);
        };
        process.Start();
        process.BeginErrorReadLine();
        try
        {
            var transport = new StreamClientTransport(process.StandardInput.BaseStream, process.StandardOutput.BaseStream);
            return new ServerProcess(directory, await ConnectAsync(transport), stderr, process);
        }
        catch
        {
            process.Kill();
            process.Dispose();
            throw;
        }
    }

    /// <summary>The server's process id (only for a server started by <see cref="StartKillableAsync"/>).</summary>
    public int ProcessId => (_process ?? throw new InvalidOperationException("Not a killable server.")).Id;

    /// <summary>Kills the server at once (SIGKILL on Linux): no shutdown code runs. Safe to call from any thread.</summary>
    public void Kill() => (_process ?? throw new InvalidOperationException("Not a killable server.")).Kill();

    /// <summary>Waits until the killed server has exited and been reaped, so its process id names no live process.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) =>
        (_process ?? throw new InvalidOperationException("Not a killable server.")).WaitForExitAsync(cancellationToken);

    /// <summary>Runs a <c>socialmcp</c> command (e.g. <c>accounts connect</c>) to the end; returns its exit code and output.</summary>
    public static Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(params string[] arguments) =>
        RunCliAsync(new Dictionary<string, string?>(), arguments);

    /// <summary>Runs a <c>socialmcp</c> command with extra environment variables (e.g. a PostgreSQL store's settings).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunCliAsync(IDictionary<string, string?> environment, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "socialmcp.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Calls a tool with arguments written as JSON; returns isError and the structured result.</summary>
    public async Task<(bool IsError, JsonElement Result)> CallAsync(string tool, string argumentsJson = "{}")
    {
        var arguments = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(argumentsJson)!
            .ToDictionary(p => p.Key, p => (object?)p.Value);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var result = await Client.CallToolAsync(tool, arguments, cancellationToken: timeout.Token);
        var text = Assert.IsType<TextContentBlock>(result.Content[0]).Text;
        var structured = result.StructuredContent ?? throw new Xunit.Sdk.XunitException($"{tool} returned no structuredContent: {text}");
        // content[0].text and structuredContent carry the same object.
        Assert.Equal(JsonSerializer.Serialize(JsonDocument.Parse(text).RootElement), JsonSerializer.Serialize(structured));
        return (result.IsError == true, structured);
    }

    public async Task<JsonElement> CallOkAsync(string tool, string argumentsJson = "{}")
    {
        var (isError, result) = await CallAsync(tool, argumentsJson);
        Assert.False(isError, $"{tool} failed: {result}");
        return result;
    }

    /// <summary>Calls a tool expected to fail and returns its error object after checking its code (and path).</summary>
    public async Task<JsonElement> CallFailingAsync(string tool, string argumentsJson, string expectedCode, string? expectedPath = null)
    {
        var (isError, result) = await CallAsync(tool, argumentsJson);
        Assert.True(isError, $"{tool} should have failed with {expectedCode} but returned {result}");
        var error = result.GetProperty("error");
        Assert.Equal(expectedCode, error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
        if (expectedPath is not null)
            Assert.Equal(expectedPath, error.GetProperty("path").GetString());
        return error;
    }

    /// <summary>Writes straight to the server's database, as an operator would with a SQL tool (WAL lets both run).</summary>
    public async Task ExecuteSqlAsync(string sql, object? parameters = null)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Foreign Keys=True");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        if (parameters is not null)
        {
            foreach (var property in parameters.GetType().GetProperties())
                command.Parameters.AddWithValue("@" + property.Name, property.GetValue(parameters) ?? DBNull.Value);
        }
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_process is null)
        {
            await Client.DisposeAsync();
        }
        else
        {
            try
            {
                await Client.DisposeAsync();
            }
            catch (Exception) when (_process.HasExited)
            {
                // Killed: the transport broke with it.
            }
            // Closing stdin ends a stdio server; one that does not go is killed.
            try
            {
                _process.StandardInput.Close();
            }
            catch (Exception) when (_process.HasExited)
            {
            }
            catch (ObjectDisposedException)
            {
            }
            using var exit = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(exit.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
