using System.CommandLine;
using SocialMcp.Server.Hosting;

namespace SocialMcp.Server.Cli;

/// <summary>
/// <c>socialmcp healthcheck [--url URL]</c>: GETs the URL and exits 0 on a 2xx answer, 1 on anything else. The
/// container image's HEALTHCHECK runs it because the ASP.NET runtime image has neither curl nor wget.
/// </summary>
public static class HealthCheckCommand
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    public static Command Create()
    {
        var url = new Option<string>("--url")
        {
            Description = "The health endpoint of a server started with serve --http.",
            DefaultValueFactory = _ => SocialMcpHost.DefaultUrls + "/healthz",
        };
        var command = new Command("healthcheck", "Check a running HTTP server: exit 0 if its health endpoint answers 2xx, else 1.")
        {
            url,
        };
        command.SetAction((result, cancellationToken) => CheckAsync(result.GetValue(url)!, cancellationToken));
        return command;
    }

    private static async Task<int> CheckAsync(string url, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            await Console.Error.WriteLineAsync($"socialmcp healthcheck: --url '{url}' is not an http(s) URL.");
            return 2;
        }

        using var http = new HttpClient { Timeout = RequestTimeout };
        try
        {
            using var response = await http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            Console.WriteLine($"{(int)response.StatusCode} {response.ReasonPhrase} from {uri}");
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            // The exception's message can carry resolver or socket details; the type is enough to act on.
            await Console.Error.WriteLineAsync($"socialmcp healthcheck: no answer from {uri} ({ex.GetType().Name}).");
            return 1;
        }
    }
}
