using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using Amazon;
using Amazon.Runtime;
using KinesisVideoWebRTCStorage.Aws;

namespace KinesisVideoWebRTCStorage.PowerShell.Commands
{
    /// <summary>
    /// A cmdlet that calls Kinesis Video: the AWS Tools for PowerShell common parameters with their aliases and session
    /// defaults ($StoredAWSCredentials, $StoredAWSRegion), as AWS.Tools' ServiceCmdlet has them, and v5's -Select.
    /// </summary>
    public abstract class KVServiceCmdletBase : KVCmdletBase
    {
        private readonly Dictionary<string, KvsConnection> connections = new Dictionary<string, KvsConnection>(StringComparer.Ordinal);

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AK")]
        public string? AccessKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("SK", "SecretAccessKey")]
        public string? SecretKey { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("ST")]
        public string? SessionToken { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("StoredCredentials", "AWSProfileName")]
        public string? ProfileName { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("AWSProfilesLocation", "ProfilesLocation")]
        public string? ProfileLocation { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public AWSCredentials? Credential { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public PSCredential? NetworkCredential { get; set; }

        /// <summary>A region name or an Amazon.RegionEndpoint, as the AWS Tools accept.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(RegionCompleter))]
        public object? Region { get; set; }

        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? EndpointUrl { get; set; }

        /// <summary>A connection for the parameters bound now; pipeline items with the same settings share one.</summary>
        protected KvsConnection Connect()
        {
            var options = new AwsConnectionOptions
            {
                AccessKey = AccessKey,
                SecretKey = SecretKey,
                SessionToken = SessionToken,
                ProfileName = ProfileName,
                ProfileLocation = ProfileLocation,
                Credential = Credential,
                NetworkCredential = NetworkCredential?.GetNetworkCredential(),
                StoredCredentials = Unwrap(SessionState.PSVariable.GetValue("StoredAWSCredentials")),
                Region = RegionName(Region),
                StoredRegion = RegionName(Unwrap(SessionState.PSVariable.GetValue("StoredAWSRegion"))),
                EndpointUrl = EndpointUrl,
            };
            var key = string.Join("\u0001", options.AccessKey, options.SecretKey, options.SessionToken, options.ProfileName, options.ProfileLocation,
                options.Credential?.GetHashCode(), options.StoredCredentials?.GetHashCode(), options.Region, options.StoredRegion, options.EndpointUrl);
            if (connections.TryGetValue(key, out var existing)) return existing;

            var connection = KvsConnection.Create(options);
            connection.Http.Trace = TraceSink;
            WriteVerbose($"Using {connection}.");
            connections[key] = connection;
            return connection;
        }

        /// <summary>
        /// Checks an AWS.Tools v5 -Select value before any call is made: '*' (the whole response), '^Name' (the value
        /// bound to parameter Name) or the name of a property of <paramref name="responseType"/>.
        /// </summary>
        protected void ValidateSelect(string? select, Type responseType)
        {
            if (select == null || select == "*") return;
            if (select.StartsWith("^", StringComparison.Ordinal))
            {
                if (MyInvocation.MyCommand.Parameters.ContainsKey(select.Substring(1))) return;
                throw new ArgumentException($"-Select '{select}' names no parameter of {MyInvocation.MyCommand.Name}; pass '^' and a parameter name, such as '^ChannelARN'.");
            }
            if (ResponseProperty(responseType, select) != null) return;
            throw new ArgumentException($"-Select '{select}' is not a property of {responseType.Name}; pass '*' for the whole response, " +
                $"'^ParameterName' for a parameter's value, or one of: {string.Join(", ", SelectableProperties(responseType))}.");
        }

        /// <summary>Writes what -Select asks for (already checked by <see cref="ValidateSelect"/>).</summary>
        protected void WriteSelected(string select, object response)
        {
            if (select == "*")
            {
                WriteObject(response);
            }
            else if (select.StartsWith("^", StringComparison.Ordinal))
            {
                var parameter = MyInvocation.MyCommand.Parameters[select.Substring(1)].Name;
                WriteObject(GetType().GetProperty(parameter)?.GetValue(this), enumerateCollection: true);
            }
            else
            {
                WriteObject(ResponseProperty(response.GetType(), select)!.GetValue(response), enumerateCollection: true);
            }
        }

        internal static IEnumerable<string> SelectableProperties(Type responseType) =>
            responseType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).Select(p => p.Name);

        private static PropertyInfo? ResponseProperty(Type responseType, string name) =>
            responseType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);

        private static object? Unwrap(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;

        private static string? RegionName(object? value)
        {
            switch (Unwrap(value))
            {
                case null: return null;
                case RegionEndpoint endpoint: return endpoint.SystemName;
                case string name: return name.Trim();
                case var other: return other.ToString();
            }
        }
    }
}
