# syntax=docker/dockerfile:1
# One build, two images: `--target api` (the merchant service) and `--target sandbox` (the fake gateway).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/Paykassma.PluginApi/Paykassma.PluginApi.csproj src/Paykassma.PluginApi/
COPY src/Paykassma.Merchant.Api/Paykassma.Merchant.Api.csproj src/Paykassma.Merchant.Api/
COPY src/Paykassma.Sandbox/Paykassma.Sandbox.csproj src/Paykassma.Sandbox/
# The API for the build machine's runtime: ReadyToRun (PublishReadyToRun in its csproj) needs one.
RUN dotnet restore src/Paykassma.Merchant.Api --use-current-runtime && dotnet restore src/Paykassma.Sandbox
COPY src/ src/
RUN dotnet publish src/Paykassma.Merchant.Api -c Release --use-current-runtime --self-contained false --no-restore -o /out/api \
 && dotnet publish src/Paykassma.Sandbox -c Release --no-restore -o /out/sandbox

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS api
WORKDIR /app
COPY --from=build /out/api .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Paykassma.Merchant.Api.dll"]

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS sandbox
WORKDIR /app
COPY --from=build /out/sandbox .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
USER $APP_UID
ENTRYPOINT ["dotnet", "Paykassma.Sandbox.dll"]
