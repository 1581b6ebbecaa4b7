import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import services
from accounts.forms import (
    DeleteAccountForm,
    LoginForm,
    ResendVerificationForm,
    SettingsForm,
    SignupForm,
)
from accounts.privacy import export_user_data
from config.ratelimit import limit_form_posts


def _with_language(response, language):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@method_decorator(limit_form_posts("login"), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        super().form_valid(form)
        language = self.request.user.preferred_language
        url = self.get_redirect_url()
        if not url:
            # Without a page to go back to, open their settings in the language they chose.
            url = translate_url(reverse(settings.LOGIN_REDIRECT_URL), language)
        return _with_language(redirect(url), language)


@require_http_methods(["GET", "POST"])
@limit_form_posts("signup")
def signup(request):
    if request.user.is_authenticated:
        return redirect("accounts:settings")
    form = SignupForm(request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.user_signup(
                email=data["email"],
                password=data["password"],
                display_name=data["display_name"],
                role=data["role"],
                accepted_terms=data["accept_terms"],
                preferred_language=data["preferred_language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


def signup_done(request):
    return render(request, "accounts/signup_done.html")


def verify_email(request, token):
    user = services.email_verify(token=token)
    if user is None:
        return render(request, "accounts/verify_email_invalid.html", status=400)
    messages.success(request, _("Your e-mail address is confirmed. You can now log in."))
    return redirect("accounts:login")


@require_http_methods(["GET", "POST"])
@limit_form_posts("verification", field="email")
def resend_verification(request):
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.email_verification_resend(email=form.cleaned_data["email"])
        messages.info(
            request,
            _("If an unconfirmed account uses this address, a new link is on its way."),
        )
        return redirect("accounts:login")
    return render(request, "accounts/resend_verification.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account_settings(request):
    form = SettingsForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        user = services.user_settings_update(user=request.user, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        url = translate_url(reverse("accounts:settings"), user.preferred_language)
        return _with_language(redirect(url), user.preferred_language)
    return render(request, "accounts/settings.html", {"form": form})


@login_required
def export_data(request):
    data = export_user_data(request.user)
    filename = f"tremplin-data-{timezone.localdate().isoformat()}.json"
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_delete(user=request.user, password=form.cleaned_data["password"])
        except PermissionDenied as error:
            form.add_error("password", str(error))
        else:
            logout(request)
            messages.success(request, _("Your account and your data have been deleted."))
            return redirect("/")
    return render(request, "accounts/delete.html", {"form": form})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:settings")

    def form_valid(self, form):
        messages.success(self.request, _("Your password has been changed."))
        return super().form_valid(form)


@method_decorator(limit_form_posts("password_reset", field="email"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        # Reset links point at the public address, not at whatever host the request came on.
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:login")

    def form_valid(self, form):
        response = super().form_valid(form)
        # Proving who they are by e-mail is what the lock-out page offers as the way out.
        services.login_lockout_clear(user=form.user)
        messages.success(self.request, _("Your new password is set. You can log in."))
        return response
