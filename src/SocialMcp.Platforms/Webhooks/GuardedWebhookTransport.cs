using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Webhooks;
using SocialMcp.Platforms.Media;

namespace SocialMcp.Platforms.Webhooks;

/// <summary>
/// Posts webhook bodies through the fetch guard (<see cref="HostGuard"/>): the host is resolved and checked before each
/// attempt and the client connects only to the checked addresses, so an endpoint whose name later points at a private
/// address is refused at delivery too. No redirects are followed: a 3xx is a failed attempt. Errors are short and never
/// carry the response body or the address.
/// </summary>
public sealed class GuardedWebhookTransport(IHttpClientFactory clients, HostGuard guard, TimeProvider time) : IWebhookTransport, IWebhookUrlGuard
{
    public const string ClientName = "socialmcp-webhooks";

    public async Task<WebhookSendResult> SendAsync(string url, IReadOnlyList<KeyValuePair<string, string>> headers, string body, TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        var uri = new Uri(url);
        if (uri.Scheme != Uri.UriSchemeHttps && !guard.IsAllowListed(uri.IdnHost))
            return new WebhookSendResult(null, "The fetch guard refused the URL: https is required (plain http only for a host in Media:AllowedHosts).");
        using var deadline = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            var addresses = await guard.CheckAsync(uri, linked.Token);
            if (addresses is null)
                return new WebhookSendResult(null, "The fetch guard refused the endpoint's address (private, loopback or metadata).");
            if (addresses.Length == 0)
                return new WebhookSendResult(null, "The endpoint's host name does not resolve.");
            using var request = new HttpRequestMessage(HttpMethod.Post, uri);
            HostGuard.Carry(request, addresses);
            foreach (var (name, value) in headers)
                request.Headers.TryAddWithoutValidation(name, value);
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("SocialMcp-Webhooks", "1"));
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token);
            var status = (int)response.StatusCode;
            return new WebhookSendResult(status, response.IsSuccessStatusCode ? null : $"The endpoint answered {status}.");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new WebhookSendResult(null, $"No answer within {timeout.TotalSeconds:0.###} s.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return new WebhookSendResult(null, "The endpoint could not be reached.");
        }
    }

    public async Task<string?> RefusalAsync(Uri url, CancellationToken cancellationToken)
    {
        var allowListed = guard.IsAllowListed(url.IdnHost);
        if (url.Scheme != Uri.UriSchemeHttps && !allowListed)
            return "The webhook URL must use https (plain http only for a host in Media:AllowedHosts).";
        if (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp)
            return "The webhook URL must be an http(s) URL.";
        return await guard.CheckAsync(url, cancellationToken) is null
            ? "The webhook URL's host is a loopback, private, link-local, shared, multicast or metadata address, which the server does not call."
            : null;
    }
}

public static class WebhookTransportServiceCollectionExtensions
{
    /// <summary>The guarded webhook sender and URL check, on their own HttpClient with the fetch guard's handler.</summary>
    public static IServiceCollection AddWebhookTransport(this IServiceCollection services)
    {
        services.AddGuardedMediaFetcher();
        services.TryAddSingleton<GuardedWebhookTransport>();
        services.TryAddSingleton<IWebhookTransport>(sp => sp.GetRequiredService<GuardedWebhookTransport>());
        services.TryAddSingleton<IWebhookUrlGuard>(sp => sp.GetRequiredService<GuardedWebhookTransport>());
        services.AddHttpClient(GuardedWebhookTransport.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(HostGuard.CreateHandler);
        return services;
    }
}
