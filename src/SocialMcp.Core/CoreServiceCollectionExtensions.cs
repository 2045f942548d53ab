using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SocialMcp.Core.Access;
using SocialMcp.Core.Accounts;
using SocialMcp.Core.Accounts.OAuth;
using SocialMcp.Core.Media;
using SocialMcp.Core.PlatformSets;
using SocialMcp.Core.Options;
using SocialMcp.Core.Posts;
using SocialMcp.Core.Publishing;
using SocialMcp.Core.Scheduling;
using SocialMcp.Core.Validation;
using SocialMcp.Core.Validation.Generic;
using SocialMcp.Core.Validation.Media;
using SocialMcp.Core.Validation.Settings;
using SocialMcp.Core.Validation.Text;
using SocialMcp.Core.Workspaces;

namespace SocialMcp.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>The domain: post service, rules, options (validated at start-up) and the clock.</summary>
    public static IServiceCollection AddSocialCore(this IServiceCollection services)
    {
        services.AddValidatedOptions<SchedulingOptions>(SchedulingOptions.SectionName);
        services.AddValidatedOptions<PublishingOptions>(PublishingOptions.SectionName);
        services.AddValidatedOptions<ApprovalOptions>(ApprovalOptions.SectionName);
        services.AddValidatedOptions<ContentRulesOptions>(ContentRulesOptions.SectionName);
        services.AddValidatedOptions<QuotaOptions>(QuotaOptions.SectionName);
        services.AddValidatedOptions<MediaOptions>(MediaOptions.SectionName);
        services.AddOptions<WorkspaceOptions>().BindConfiguration(WorkspaceOptions.SectionName);
        services.AddOptions<PlatformSetOptions>().BindConfiguration(PlatformSetOptions.SectionName)
            .Validate(o => o.MaxPerWorkspace >= 1, "PlatformSets:MaxPerWorkspace must be at least 1.").ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);

        // Order matters only for how problems are listed: generic rules first, then platform rules.
        services.AddSingleton<IPostRule, PlatformsSelectedRule>();
        services.AddSingleton<IPostRule, AccountConnectedRule>();
        services.AddSingleton<IPostRule, ScheduleWindowRule>();
        services.AddSingleton<IPostRule, MediaFieldsRule>();
        services.AddSingleton<IPostRule, OverridesTargetedRule>();
        services.AddSingleton<IPostRule, SettingsShapeRule>();
        services.AddSingleton<IPostRule, TextLengthRule>();
        services.AddSingleton<IPostRule, MixedMediaRule>();
        services.AddSingleton<IPostRule, MediaCountRule>();
        services.AddSingleton<IPostRule, MediaFormatRule>();
        services.AddSingleton<IPostRule, LibraryMediaPublicRule>();
        services.AddSingleton<IPostRule, PlacementRule>();
        services.AddSingleton<IPostRule, TikTokRules>();
        services.AddSingleton<IPostRule, YouTubeRules>();
        services.AddSingleton<IPostRule, LinkedInRules>();
        services.AddSingleton<IPostRule, AmazonRules>();
        services.AddSingleton<IPostRule, Validation.Conversations.ConversationRules>();
        services.AddSingleton<IPlatformTextMeasure, PlatformTextMeasure>();
        services.AddSingleton<PostValidator>();
        services.AddSingleton<SocialMcp.Core.Validation.Media.MediaUrlCheck>();

        services.AddSingleton<ScheduleRisks>();
        services.AddSingleton<PostChanges>();
        services.AddSingleton<Webhooks.WebhookOutbox>();
        services.AddValidatedOptions<Webhooks.WebhookOptions>(Webhooks.WebhookOptions.SectionName);
        services.TryAddSingleton<Webhooks.WebhookSignal>();
        services.AddSingleton<Webhooks.WebhookDeliverer>();
        services.AddSingleton<Webhooks.WebhookService>();
        services.AddSingleton<PostQuotas>();
        services.AddSingleton<PostService>();
        services.AddSingleton<ApprovalPolicy>();
        services.AddSingleton<ReplyParents>();
        services.AddSingleton<SocialMcp.Core.Queue.PostingQueue>();
        // The media library (issue 13); its files are SocialMcp.Storage's IMediaFileStore, URLs go through IMediaFetcher.
        services.AddSingleton<IMediaProber, MediaProber>();
        services.AddSingleton<IMediaLibrary, MediaLibrary>();
        services.AddSingleton<PostMediaResolver>();
        // The publishing engine behind PostService: one job each (see docs/decisions.md, "The publishing core").
        services.AddSingleton<PublishingEngine>();
        services.AddSingleton<PublishLedger>();
        services.AddSingleton<TargetRun>();
        services.AddSingleton<TargetMedia>();
        services.AddSingleton<TargetRecorder>();
        services.AddSingleton<DailyCaps>();
        services.AddSingleton<LimitWaiter>();
        services.AddSingleton<LeaseKeeper>();
        services.AddSingleton<TargetWithdrawal>();
        services.AddSingleton<AllOrNothingRollback>();
        services.TryAddSingleton<IPostChangeNotifier, NoPostChangeNotifier>();
        services.AddSchedulerShared();
        services.AddSingleton<AccountService>();
        services.AddSingleton<AccountConnections>();
        // OAuth connects and token renewal (issue 12). SocialMcp.Platforms registers the real IPlatformOAuth (with TryAdd, so
        // Core registers none); a host without it (rule tests, tools without platforms) gets one where nothing is configured.
        services.AddValidatedOptions<OAuthOptions>(OAuthOptions.SectionName);
        services.AddSingleton<IAccountConnectFlow>(sp => ActivatorUtilities.CreateInstance<AccountConnectFlow>(sp, PlatformOAuthOf(sp)));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AccountTokenRefresher>(sp, PlatformOAuthOf(sp)));
        services.AddSingleton<IAccountTokenRefresher>(sp => sp.GetRequiredService<AccountTokenRefresher>());
        services.AddSingleton<AccountAlarms>();
        services.AddSingleton<TokenRefreshWorker>();
        services.AddSingleton<TokenRefreshHealth>();
        // Off with OAuth:BackgroundRefresh=false (the worker then returns at once); hosts without a host loop never start it.
        services.AddHostedService(sp => sp.GetRequiredService<TokenRefreshWorker>());
        services.AddSingleton<LocalWorkspace>();
        services.AddSingleton<WorkspaceService>();
        services.AddSingleton<PlatformSetService>();
        return services;
    }

    private static IPlatformOAuth PlatformOAuthOf(IServiceProvider services) =>
        services.GetService<IPlatformOAuth>() ?? new UnconfiguredPlatformOAuth();

    /// <summary>Binds a configuration section and validates it when the host starts, failing with a clear message.</summary>
    public static IServiceCollection AddValidatedOptions<TOptions>(this IServiceCollection services, string sectionName)
        where TOptions : class, System.ComponentModel.DataAnnotations.IValidatableObject
    {
        // Once only: several registrations may need the same options (Core and the publishers both need Media), and a
        // second BindConfiguration would bind the section again, appending every array item a second time.
        if (services.Any(d => d.ServiceType == typeof(Microsoft.Extensions.Options.IValidateOptions<TOptions>)
                && d.ImplementationType == typeof(ValidatableObjectOptionsValidator<TOptions>)))
            return services;
        services.AddOptions<TOptions>().BindConfiguration(sectionName).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<TOptions>, ValidatableObjectOptionsValidator<TOptions>>();
        return services;
    }
}
