// An S3 bucket, the IAM role Mixpanel assumes to read it, and a Mixpanel Cloud Import connector.
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as mixpanel from "@pulumi/mixpanel";

const config = new pulumi.Config();
const externalId = config.require("externalId");
const prefix = "events/";

const exportsBucket = new aws.s3.Bucket("exports");

const importRole = new aws.iam.Role("import-role", {
    assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
            Sid: "MixpanelAssumesRole",
            Effect: "Allow",
            Principal: { AWS: "arn:aws:iam::485438090326:root" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": externalId } },
        }],
    }),
});

const readEvents = new aws.iam.RolePolicy("read-events", {
    role: importRole.id,
    policy: exportsBucket.arn.apply(arn => JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            { Effect: "Allow", Action: "s3:ListBucket", Resource: arn,
              Condition: { StringLike: { "s3:prefix": [`${prefix}*`] } } },
            { Effect: "Allow", Action: "s3:GetObject", Resource: `${arn}/${prefix}*` },
        ],
    })),
});

const events = new mixpanel.Connector("events", {
    connectorType: "s3Import",
    label: "events from S3",
    connectorProperties: {
        s3Bucket: exportsBucket.bucket,
        s3Prefix: prefix,
        s3Region: "us-east-2",
        s3Role: importRole.arn,
    },
    categoryProperties: {
        dataFormat: "mixpanel_event",
        compression: "gzip",
    },
}, { dependsOn: [readEvents] });

export const bucket = exportsBucket.bucket;
export const connectorId = events.connectorId;
export const status = events.status;
