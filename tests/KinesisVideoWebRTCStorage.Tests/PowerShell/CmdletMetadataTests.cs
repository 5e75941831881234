using System;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using KinesisVideoWebRTCStorage.Aws;
using Xunit;

namespace KinesisVideoWebRTCStorage.Tests.PowerShell
{
    public sealed class CmdletMetadataTests : IDisposable
    {
        private static readonly string[] Implemented = { "Get-KVSignalingEndpoint", "Join-KVWebRTCStorageSession", "Start-KVLocalEmulator", "Start-KVWebRTCIngest", "Start-KVWebRTCViewer", "Stop-KVLocalEmulator" };
        private static readonly string[] AwsCmdlets = { "Get-KVSignalingEndpoint", "Join-KVWebRTCStorageSession" };

        private readonly ModuleMetadata module = new ModuleMetadata();

        public void Dispose() => module.Dispose();

        [Fact]
        public void TheModuleHasExactlyTheImplementedCmdletsWithApprovedVerbs()
        {
            Assert.Equal(Implemented.OrderBy(n => n), module.Cmdlets().Select(c => c.Name).OrderBy(n => n));
            var approved = module.ApprovedVerbs();
            Assert.All(module.Cmdlets(), c => Assert.Contains(c.Verb, approved));
            Assert.All(module.Cmdlets(), c => Assert.Equal(c.Verb + c.Noun + "Command", c.Type.Name));
        }

        [Fact]
        public void TheManifestExportsExactlyTheseCmdletsAndLoadsWhatTheBuildPlaced()
        {
            var manifest = File.ReadAllText(ModuleMetadata.ManifestPath);
            var exported = Regex.Match(manifest, @"CmdletsToExport\s*=\s*@\(([^)]*)\)").Groups[1].Value;
            Assert.Equal(Implemented.OrderBy(n => n), Regex.Matches(exported, "'([^']+)'").Select(m => m.Groups[1].Value).OrderBy(n => n));
            Assert.Matches(@"CompatiblePSEditions\s*=\s*@\('Core',\s*'Desktop'\)", manifest);
            Assert.Matches(@"PowerShellVersion\s*=\s*'5\.1'", manifest);
            foreach (Match file in Regex.Matches(manifest, @"'(module/[^']+)'"))
                Assert.True(File.Exists(Path.Combine(ModuleMetadata.RepoRoot, file.Groups[1].Value)), $"{file.Groups[1].Value} is named in the manifest but missing");
            Assert.False(File.Exists(Path.Combine(ModuleMetadata.ModuleBin, "System.Management.Automation.dll")), "the reference-only SMA must not ship");
            Assert.True(File.Exists(Path.Combine(ModuleMetadata.ModuleBin, "AWSSDK.Core.dll")));
            Assert.True(File.Exists(Path.Combine(ModuleMetadata.ModuleBin, "AWSSDK.SecurityToken.dll")));
        }

        [Fact]
        public void AWSSDKCoreIsBoundByNameAtImportNotLoadedByPath()
        {
            // A path in RequiredAssemblies makes PowerShell 7 load module/bin's AWSSDK.Core even when AWS.Tools loaded
            // its own, which fails; the module's initializer binds it by name instead.
            var settings = File.ReadAllLines(ModuleMetadata.ManifestPath).Where(l => !l.TrimStart().StartsWith("#", StringComparison.Ordinal));
            Assert.DoesNotContain(settings, l => l.Contains("RequiredAssemblies"));
            var initializer = Assert.Single(module.Module.GetTypes(),
                t => t.IsPublic && !t.IsAbstract && t.GetInterfaces().Any(i => i.FullName == "System.Management.Automation.IModuleAssemblyInitializer"));
            Assert.Contains(initializer.GetInterfaces(), i => i.FullName == "System.Management.Automation.IModuleAssemblyCleanup");
            // The type takes a token of an AWSSDK.Core type (ldtoken, as typeof compiles to) in one of its methods.
            var file = Path.Combine(ModuleMetadata.ModuleBin, "KinesisVideoWebRTCStorage.PowerShell.dll");
            var named = initializer.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
                .Select(m => m.GetMethodBody()?.GetILAsByteArray())
                .Where(body => body != null)
                .SelectMany(body => Enumerable.Range(0, body!.Length - 4).Where(i => body[i] == 0xD0).Select(i => BitConverter.ToInt32(body, i + 1)))
                .Select(token => ModuleMetadata.AssemblyOfTypeReference(file, token));
            Assert.Contains("AWSSDK.Core", named);
        }

        [Fact]
        public void EveryCmdletTakesTheAwsToolsCommonParametersWithTheirAliases()
        {
            var expected = new (string Name, string[] Aliases)[]
            {
                ("AccessKey", new[] { "AK" }),
                ("SecretKey", new[] { "SK", "SecretAccessKey" }),
                ("SessionToken", new[] { "ST" }),
                ("ProfileName", new[] { "StoredCredentials", "AWSProfileName" }),
                ("ProfileLocation", new[] { "AWSProfilesLocation", "ProfilesLocation" }),
                ("Credential", Array.Empty<string>()),
                ("NetworkCredential", Array.Empty<string>()),
                ("Region", Array.Empty<string>()),
                ("EndpointUrl", Array.Empty<string>()),
            };
            foreach (var cmdlet in module.Cmdlets().Where(c => AwsCmdlets.Contains(c.Name)))
            foreach (var (name, aliases) in expected)
            {
                Assert.True(cmdlet.Parameters.ContainsKey(name), $"{cmdlet.Name} lacks -{name}");
                var parameter = cmdlet.Parameters[name];
                Assert.Equal(aliases.OrderBy(a => a), parameter.Aliases.OrderBy(a => a));
                Assert.False(parameter.Only.Mandatory);
                Assert.True(parameter.Only.ValueFromPipelineByPropertyName, $"{cmdlet.Name} -{name} must bind by property name");
            }
            Assert.Equal("Amazon.Runtime.AWSCredentials", module.Cmdlet("Get-KVSignalingEndpoint").Parameters["Credential"].TypeName);
            Assert.Equal("System.Management.Automation.PSCredential", module.Cmdlet("Get-KVSignalingEndpoint").Parameters["NetworkCredential"].TypeName);
        }

        [Fact]
        public void EveryRegionParameterCompletesRegionNames()
        {
            foreach (var cmdlet in module.Cmdlets().Where(c => c.Parameters.ContainsKey("Region")))
            {
                var completer = cmdlet.Type.GetProperty("Region")!.GetCustomAttributesData()
                    .SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.ArgumentCompleterAttribute");
                Assert.True(completer != null, $"{cmdlet.Name} -Region has no completer");
                var type = (Type)completer!.ConstructorArguments[0].Value!;
                Assert.Equal("KinesisVideoWebRTCStorage.PowerShell.Commands.RegionCompleter", type.FullName);
                Assert.Contains(type.GetInterfaces(), i => i.FullName == "System.Management.Automation.IArgumentCompleter");
            }
        }

        [Fact]
        public void GetSignalingEndpointParameterSets()
        {
            var cmdlet = module.Cmdlet("Get-KVSignalingEndpoint");
            Assert.Equal("ByARN", cmdlet.DefaultParameterSetName);
            Assert.False(cmdlet.SupportsShouldProcess);
            Assert.Equal(new[] { typeof(SignalingChannelEndpoints).FullName! }, cmdlet.OutputTypes);

            var arn = cmdlet.Parameters["ChannelARN"];
            Assert.Equal(new ParameterSetEntry("ByARN", true, 0, true, true), arn.Only);
            Assert.Equal(new[] { "ARN" }, arn.Aliases);
            Assert.Equal(new ParameterSetEntry("ByName", true, int.MinValue, false, true), cmdlet.Parameters["ChannelName"].Only);
            Assert.False(cmdlet.Parameters["Role"].Only.Mandatory);
            Assert.Equal("KinesisVideoWebRTCStorage.Aws.Models.ChannelRole", cmdlet.Parameters["Role"].TypeName);
            Assert.Equal("KinesisVideoWebRTCStorage.Aws.Models.ChannelProtocol[]", cmdlet.Parameters["Protocol"].TypeName);
        }

        [Fact]
        public void JoinStorageSessionParameters()
        {
            var cmdlet = module.Cmdlet("Join-KVWebRTCStorageSession");
            Assert.True(cmdlet.SupportsShouldProcess);
            Assert.Equal(new[] { typeof(StorageSessionJoin).FullName! }, cmdlet.OutputTypes);
            Assert.Equal(new ParameterSetEntry("__AllParameterSets", true, 0, true, true), cmdlet.Parameters["ChannelARN"].Only);
            Assert.Equal(new[] { "WebRtcEndpoint" }, cmdlet.Parameters["Endpoint"].Aliases);
            Assert.True(cmdlet.Parameters["Endpoint"].Only.ValueFromPipelineByPropertyName);
            Assert.True(cmdlet.Parameters["ClientId"].Only.ValueFromPipelineByPropertyName);
            Assert.Equal("System.Management.Automation.SwitchParameter", cmdlet.Parameters["PassThru"].TypeName);
            Assert.Equal("System.Management.Automation.SwitchParameter", cmdlet.Parameters["Force"].TypeName);
            Assert.Equal("System.String", cmdlet.Parameters["Select"].TypeName);
        }

        [Fact]
        public void LocalEmulatorCmdlets()
        {
            var start = module.Cmdlet("Start-KVLocalEmulator");
            Assert.Equal(new[] { "KinesisVideoWebRTCStorage.Hosting.LocalEmulator" }, start.OutputTypes);
            Assert.Equal(0, start.Parameters["Port"].Only.Position);
            var stop = module.Cmdlet("Stop-KVLocalEmulator");
            Assert.True(stop.SupportsShouldProcess);
            Assert.True(stop.Parameters["InputObject"].Only.ValueFromPipeline);
            Assert.Equal("KinesisVideoWebRTCStorage.Hosting.LocalEmulator[]", stop.Parameters["InputObject"].TypeName);
        }

        [Fact]
        public void StartIngestParameterSetsAndOutput()
        {
            var start = module.Cmdlet("Start-KVWebRTCIngest");
            Assert.Equal("TestPatternByARN", start.DefaultParameterSetName);
            Assert.Equal(new[] { "KinesisVideoWebRTCStorage.Ingest.IngestResult", "KinesisVideoWebRTCStorage.PowerShell.Commands.SessionJob" }, start.OutputTypes);
            string[] Sets(string source) => new[] { source + "ByARN", source + "ByName" };
            void HasSets(string parameter, bool mandatory, params string[] sources) =>
                Assert.Equal(sources.SelectMany(Sets).Select(set => new ParameterSetEntry(set, mandatory, int.MinValue, false, false)).OrderBy(e => e.SetName),
                    start.Parameters[parameter].Sets.OrderBy(e => e.SetName));

            // The channel, by ARN or by name, times the source: eight sets, -ChannelARN and -ChannelName never together.
            Assert.Equal(new[] { "TestPattern", "Path", "Files", "InputUri" }.SelectMany(s => new[] { s + "ByARN" }).OrderBy(s => s),
                start.Parameters["ChannelARN"].Sets.Select(e => e.SetName).OrderBy(s => s));
            Assert.All(start.Parameters["ChannelARN"].Sets, e => Assert.Equal((true, 0, true, true), (e.Mandatory, e.Position, e.ValueFromPipeline, e.ValueFromPipelineByPropertyName)));
            Assert.All(start.Parameters["ChannelName"].Sets, e => Assert.Equal((true, int.MinValue, false, true), (e.Mandatory, e.Position, e.ValueFromPipeline, e.ValueFromPipelineByPropertyName)));
            Assert.Equal(4, start.Parameters["ChannelName"].Sets.Count);
            Assert.Empty(start.Parameters["ChannelARN"].Sets.Select(e => e.SetName).Intersect(start.Parameters["ChannelName"].Sets.Select(e => e.SetName)));
            Assert.Equal(new[] { "ARN" }, start.Parameters["ChannelARN"].Aliases);

            HasSets("Path", true, "Path");
            HasSets("InputUri", true, "InputUri");
            HasSets("InputFormat", false, "InputUri");
            HasSets("InputOptions", false, "InputUri");
            HasSets("VideoPath", true, "Files");
            HasSets("AudioPath", false, "Files");
            HasSets("Loop", false, "Path", "Files");
            HasSets("RequireAudio", false, "Path", "Files", "InputUri");
            Assert.Equal("System.Nullable`1[[System.TimeSpan", start.Parameters["Duration"].TypeName.Substring(0, 34));
            Assert.Equal("KinesisVideoWebRTCStorage.WebRtc.Ice.IceTransportPolicy", start.Parameters["IceTransportPolicy"].TypeName);
            foreach (var common in new[] { "AccessKey", "SecretKey", "SessionToken", "ProfileName", "ProfileLocation", "Credential", "Region", "EndpointUrl" })
                Assert.True(start.Parameters.ContainsKey(common), common);
        }

        [Fact]
        public void GetSignalingEndpointOutputBindsToJoinByPropertyName()
        {
            var join = module.Cmdlet("Join-KVWebRTCStorageSession");
            var byName = join.Parameters.Values.Where(p => p.Only.ValueFromPipelineByPropertyName)
                .SelectMany(p => p.Aliases.Append(p.Name)).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var output = typeof(SignalingChannelEndpoints).GetProperties().Select(p => p.Name).ToList();
            foreach (var needed in new[] { "ChannelARN", "WebRtcEndpoint", "Region" })
            {
                Assert.Contains(needed, output);
                Assert.Contains(needed, byName);
            }
        }

        [Fact]
        public void ErrorCategoriesAreRealErrorCategoryMembers()
        {
            var categories = module.EnumNames("System.Management.Automation.ErrorCategory");
            var samples = new Exception[]
            {
                ServiceErrorParser.Create("ResourceNotFoundException", "m", System.Net.HttpStatusCode.NotFound, "op", null),
                ServiceErrorParser.Create("AccessDeniedException", "m", System.Net.HttpStatusCode.Forbidden, "op", null),
                ServiceErrorParser.Create("InvalidArgumentException", "m", System.Net.HttpStatusCode.BadRequest, "op", null),
                ServiceErrorParser.Create("ClientLimitExceededException", "m", System.Net.HttpStatusCode.BadRequest, "op", null),
                ServiceErrorParser.Create("ResourceInUseException", "m", System.Net.HttpStatusCode.BadRequest, "op", null),
                ServiceErrorParser.Create("VersionMismatchException", "m", System.Net.HttpStatusCode.BadRequest, "op", null),
                ServiceErrorParser.Create("NotAuthorizedException", "m", System.Net.HttpStatusCode.Unauthorized, "op", null),
                ServiceErrorParser.Create("SessionExpiredException", "m", System.Net.HttpStatusCode.BadRequest, "op", null),
                ServiceErrorParser.Create("AccountChannelLimitExceededException", "m", System.Net.HttpStatusCode.BadRequest, "op", null),
                ServiceErrorParser.Create("TagsPerResourceExceededLimitException", "m", System.Net.HttpStatusCode.BadRequest, "op", null),
                ServiceErrorParser.Create("Other", "m", System.Net.HttpStatusCode.InternalServerError, "op", null),
                ServiceErrorParser.Create("Other", "m", System.Net.HttpStatusCode.BadRequest, "op", null),
                new KinesisVideoTimeoutException("op", new Uri("http://x"), TimeSpan.FromSeconds(1), 1),
                new KinesisVideoConnectionException("op", new Uri("http://x"), 1, new System.Net.Http.HttpRequestException("x")),
                new KinesisVideoResponseException("x"),
                new InvalidChannelArnException("x"),
                new CredentialResolutionException("x"),
                new RegionResolutionException("x"),
                new MediaStorageNotEnabledException(ChannelReference.FromName("c"), "arn:aws:kinesisvideo:us-west-2:1:channel/c/1", "DISABLED"),
                new ArgumentException("x"),
                new OperationCanceledException(),
                new InvalidOperationException("x"),
                new KinesisVideoWebRTCStorage.Hosting.LocalEmulatorStartException("x"),
                new KinesisVideoWebRTCStorage.Ingest.IngestMediaException("x", notFound: true),
                new KinesisVideoWebRTCStorage.Ingest.IngestMediaException("x"),
                new KinesisVideoWebRTCStorage.Ingest.IngestFailedException("x", new KinesisVideoWebRTCStorage.Ingest.IngestResult()),
                new KinesisVideoWebRTCStorage.Signaling.SignalingConnectException("x"),
                new KinesisVideoWebRTCStorage.WebRtc.RtcConnectionFailedException("x"),
            };
            foreach (var sample in samples) Assert.Contains(ErrorClassification.Of(sample).Category, categories);
        }

        [Theory]
        [InlineData("ResourceNotFoundException", "ResourceNotFoundException", "ObjectNotFound")]
        [InlineData("AccessDeniedException", "AccessDeniedException", "PermissionDenied")]
        [InlineData("InvalidArgumentException", "InvalidArgumentException", "InvalidArgument")]
        [InlineData("ClientLimitExceededException", "ClientLimitExceededException", "LimitsExceeded")]
        public void ServiceErrorsMapToTheDocumentedCategories(string type, string errorId, string category)
        {
            var classification = ErrorClassification.Of(ServiceErrorParser.Create(type, "m", System.Net.HttpStatusCode.BadRequest, "op", null));
            Assert.Equal(errorId, classification.ErrorId);
            Assert.Equal(category, classification.Category);
        }

        [Fact]
        public void HelpCoversEveryParameterWithExamples()
        {
            // Generated at build time from the compiled cmdlets and module/help/*.md (src/KinesisVideoWebRTCStorage.HelpGenerator).
            var help = XDocument.Load(Path.Combine(ModuleMetadata.RepoRoot, "en-US", "KinesisVideoWebRTCStorage.PowerShell.dll-Help.xml"));
            XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
            XNamespace maml = "http://schemas.microsoft.com/maml/2004/10";
            foreach (var cmdlet in module.Cmdlets())
            {
                var entry = help.Descendants(command + "command").Single(c => c.Element(command + "details")!.Element(command + "name")!.Value == cmdlet.Name);
                Assert.False(string.IsNullOrWhiteSpace(entry.Element(command + "details")!.Element(maml + "description")!.Value), $"{cmdlet.Name} has no synopsis");
                var documented = entry.Element(command + "parameters")!.Elements(command + "parameter")
                    .ToDictionary(p => p.Element(maml + "name")!.Value, p => p.Element(maml + "description")!.Value);
                foreach (var parameter in cmdlet.Parameters.Keys)
                {
                    Assert.True(documented.ContainsKey(parameter), $"{cmdlet.Name} -{parameter} is not in the help");
                    Assert.False(string.IsNullOrWhiteSpace(documented[parameter]), $"{cmdlet.Name} -{parameter} has no description");
                }
                Assert.Empty(documented.Keys.Except(cmdlet.Parameters.Keys).Except(new[] { "WhatIf", "Confirm" }));
                int sets = cmdlet.Parameters.Values.SelectMany(p => p.Sets).Select(e => e.SetName).Where(n => n != "__AllParameterSets").Distinct().Count();
                Assert.Equal(Math.Max(1, sets), entry.Element(command + "syntax")!.Elements(command + "syntaxItem").Count());
                Assert.True(entry.Descendants(command + "example").Count() >= 2, $"{cmdlet.Name} needs at least two examples");
            }
        }

        [Fact]
        public void FormatViewsNameRealOutputTypes()
        {
            var format = XDocument.Load(Path.Combine(ModuleMetadata.RepoRoot, "module", "KinesisVideoWebRTCStorage.Format.ps1xml"));
            var viewed = format.Descendants("TypeName").Select(t => t.Value).ToList();
            Type? Find(string name) => module.Core.GetType(name) ?? module.Module.GetType(name);
            // Jobs use PowerShell's own job view, which selects on the base type.
            foreach (var output in module.Cmdlets().SelectMany(c => c.OutputTypes).Where(t => Find(t)?.BaseType?.FullName != "System.Management.Automation.Job"))
                Assert.Contains(output, viewed);
            foreach (var type in viewed) Assert.NotNull(Find(type));
            foreach (var property in format.Descendants("PropertyName").Select(p => p.Value))
                Assert.Contains(viewed, t => Find(t)!.GetProperty(property) != null);
        }
    }
}
