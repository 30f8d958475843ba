"""`disan deploy`: a built site to an S3-compatible bucket, only what changed, never half a site."""

from .sync import DeployPlan, DeployResult, deploy_site
from .target import DeployError, Target, resolve_target

__all__ = ["DeployError", "DeployPlan", "DeployResult", "Target", "deploy_site", "resolve_target"]
