#!/bin/sh
# Forwards the CloudTrail events iam-warden's detections need from other regions to the home
# region's default event bus: deploys deploy/forward-events.json (generated from the detection
# catalogue) as one small stack per region, with the AWS CLI and your credentials.
#
#   deploy/forward-regions.sh [--home REGION] [--stage STAGE] [--remove] [REGION... | all]
#
# With no region given, the regions come from the home stack's WatchRegions output (the
# watchRegions parameter of serverless.yml). `all` means every region enabled in the account.
# The home region itself is always skipped (a rule forwarding to its own bus would loop).
set -eu

home=us-east-1
stage=prod
action=deploy
while [ $# -gt 0 ]; do
  case "$1" in
    --home) home=$2; shift 2 ;;
    --stage) stage=$2; shift 2 ;;
    --remove) action=remove; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    --*) echo "unknown option $1" >&2; exit 64 ;;
    *) break ;;
  esac
done

template="$(dirname "$0")/forward-events.json"
stack="iam-warden-$stage-forward"
regions="$*"
if [ -z "$regions" ]; then
  regions=$(aws cloudformation describe-stacks --region "$home" --stack-name "iam-warden-$stage" \
    --query "Stacks[0].Outputs[?OutputKey=='WatchRegions'].OutputValue" --output text | tr ',' ' ')
  [ "$regions" = "none" ] && regions=""
fi
if [ "$regions" = "all" ]; then
  regions=$(aws ec2 describe-regions --region "$home" --query 'Regions[].RegionName' --output text)
fi
if [ -z "$regions" ]; then
  echo "no region to forward from: give regions, or deploy with --param=\"watchRegions=eu-west-1,eu-central-1\"" >&2
  exit 64
fi

for region in $regions; do
  if [ "$region" = "$home" ]; then
    echo "$region: home region, skipped"
    continue
  fi
  if [ "$action" = remove ]; then
    aws cloudformation delete-stack --region "$region" --stack-name "$stack"
    aws cloudformation wait stack-delete-complete --region "$region" --stack-name "$stack"
    echo "$region: forwarding removed"
  else
    aws cloudformation deploy --region "$region" --stack-name "$stack" --template-file "$template" \
      --parameter-overrides "HomeRegion=$home" --capabilities CAPABILITY_IAM \
      --no-fail-on-empty-changeset --tags app=iam-warden
    echo "$region: forwarding to $home"
  fi
done
