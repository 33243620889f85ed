"""Strip the page chrome: raw HTML -> CleanDocument.

    from scrapers.strip import strip_chrome, StripError
    doc = strip_chrome(html, url, content_hash=h)          # generic, any site
    doc = strip_chrome(html, url, profile=profile_for(url)) # a known site's overrides
"""

from .document import strip_chrome
from .errors import StripError
from .profiles import ProfileError, SiteProfile, load_profile, load_profiles, profile_for

__all__ = ["ProfileError", "SiteProfile", "StripError", "load_profile", "load_profiles", "profile_for",
           "strip_chrome"]
