using SocialMcp.Server.Cli;

return await SocialMcpCommandLine.Build().Parse(args).InvokeAsync();
