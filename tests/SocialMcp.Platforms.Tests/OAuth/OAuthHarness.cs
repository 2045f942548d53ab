using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Domain;
using SocialMcp.Platforms.OAuth;

namespace SocialMcp.Platforms.Tests.OAuth;

/// <summary>
/// <see cref="PlatformOAuth"/> wired as in production (<c>AddPlatformOAuth</c>: its named clients and their pipeline), with
/// every client's primary handler replaced by a <see cref="PlatformStub"/> that answers like the platform and records
/// what it was sent, a fake clock, and a log sink that keeps every line down to Trace.
/// </summary>
public sealed class OAuthHarness : IDisposable
{
    /// <summary>Where the URL rule's tests pretend the emulator is; nothing listens there, the stub answers.</summary>
    public const string EmulatorRoot = "http://127.0.0.1:5999/";

    private readonly ServiceProvider _services;

    private OAuthHarness(ServiceProvider services, PlatformStub stub, FakeTimeProvider time, LogSink logs)
    {
        _services = services;
        Stub = stub;
        Time = time;
        Logs = logs;
        OAuth = services.GetRequiredService<IPlatformOAuth>();
    }

    public IPlatformOAuth OAuth { get; }
    public PlatformStub Stub { get; }
    public FakeTimeProvider Time { get; }
    public LogSink Logs { get; }

    public static string ClientIdOf(Platform platform) => "client-" + platform.ToWireName();

    /// <summary>A secret that must never be seen anywhere but in the request that carries it.</summary>
    public static string SecretOf(Platform platform) => "S3CRET-" + platform.ToWireName() + "-do-not-log";

    /// <summary>Every platform configured with a client; <paramref name="emulated"/> points their BaseUrl at the pretend emulator.</summary>
    public static OAuthHarness Create(bool emulated = false, IDictionary<string, string?>? settings = null, bool configured = true)
    {
        var values = new Dictionary<string, string?>();
        foreach (var platform in PlatformNames.All)
        {
            var name = platform.ToWireName();
            if (configured)
            {
                values[$"Platforms:{name}:ClientId"] = ClientIdOf(platform);
                values[$"Platforms:{name}:ClientSecret"] = SecretOf(platform);
            }
            if (emulated)
                values[$"Platforms:{name}:BaseUrl"] = EmulatorRoot + name + "/";
        }
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            values[key] = value;

        var stub = new PlatformStub();
        var time = new FakeTimeProvider(TestTime.Start);
        var logs = new LogSink();
        var services = new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddSingleton<TimeProvider>(time)
            .AddPlatformOAuth();
        services.ConfigureAll<HttpClientFactoryOptions>(o => o.HttpMessageHandlerBuilderActions.Add(b => b.PrimaryHandler = stub));
        return new OAuthHarness(services.BuildServiceProvider(), stub, time, logs);
    }

    /// <summary>The base an emulated platform's URLs hang off, e.g. http://127.0.0.1:5999/x/.</summary>
    public static string Emulated(Platform platform) => EmulatorRoot + platform.ToWireName() + "/";

    public static Account AccountOf(Platform platform, string platformAccountId = "acct-1", object? metadata = null) => new()
    {
        Id = "account-" + platform.ToWireName(),
        WorkspaceId = "ws",
        PlatformSetId = "set",
        Platform = platform,
        Handle = "tester",
        PlatformAccountId = platformAccountId,
        IsSandbox = false,
        Metadata = JsonSerializer.SerializeToElement(metadata ?? new { }),
        CreatedAt = TestTime.Start,
        UpdatedAt = TestTime.Start,
    };

    /// <summary>Asserts that no log line and no given message contains any of the secrets.</summary>
    public void AssertNothingLeaked(IEnumerable<string?> messages, params string[] secrets)
    {
        var all = secrets.Concat(PlatformNames.All.Select(SecretOf)).ToArray();
        foreach (var line in Logs.Lines.Concat(messages.OfType<string>()))
        {
            foreach (var secret in all)
                Assert.DoesNotContain(secret, line, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _services.Dispose();
}

/// <summary>One request as the platform saw it.</summary>
public sealed record SeenRequest(HttpMethod Method, Uri Url, string? Authorization, IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers)
{
    /// <summary>scheme://host:port/path, without the query.</summary>
    public string Endpoint => Url.GetLeftPart(UriPartial.Path);
}

/// <summary>Answers by method and endpoint (URL without query) in the order the answers were queued; records every request.</summary>
public sealed class PlatformStub : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<Func<SeenRequest, CancellationToken, Task<HttpResponseMessage>>>> _answers = new();
    private readonly ConcurrentQueue<SeenRequest> _seen = new();

    public IReadOnlyList<SeenRequest> Seen => _seen.ToArray();

    /// <summary>Answers the next request to <paramref name="endpoint"/> with JSON (the last one queued repeats).</summary>
    public PlatformStub On(HttpMethod method, string endpoint, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        On(method, endpoint, (_, _) => Task.FromResult(Json(status, body)));

    public PlatformStub On(HttpMethod method, string endpoint, Func<SeenRequest, CancellationToken, Task<HttpResponseMessage>> answer)
    {
        _answers.GetOrAdd(Key(method, endpoint), _ => new()).Enqueue(answer);
        return this;
    }

    public static HttpResponseMessage Json(HttpStatusCode status, object body) => new(status)
    {
        Content = new StringContent(body as string ?? JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var text = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var form = request.Content?.Headers.ContentType?.MediaType == "application/x-www-form-urlencoded"
            ? QueryHelpers.ParseQuery(text).ToDictionary(p => p.Key, p => p.Value.ToString())
            : new Dictionary<string, string>();
        var query = QueryHelpers.ParseQuery(request.RequestUri!.Query).ToDictionary(p => p.Key, p => p.Value.ToString());
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value));
        var seen = new SeenRequest(request.Method, request.RequestUri!, request.Headers.Authorization?.ToString(), form, query, headers);
        _seen.Enqueue(seen);
        if (!_answers.TryGetValue(Key(request.Method, seen.Endpoint), out var queue) || queue.IsEmpty)
            return Json(HttpStatusCode.NotFound, new { error = "no_stub" });
        var answer = queue.Count > 1 && queue.TryDequeue(out var next) ? next : queue.TryPeek(out var last) ? last : null;
        return await answer!(seen, cancellationToken);
    }

    private static string Key(HttpMethod method, string endpoint) => method.Method + " " + endpoint;
}

/// <summary>Keeps every formatted log line (messages and exceptions), to prove nothing secret is logged.</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IReadOnlyList<string> Lines => _lines.ToArray();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._lines.Enqueue($"{category} {logLevel}: {formatter(state, exception)} {exception}");
    }
}
