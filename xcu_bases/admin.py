from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from xcu_bases.models import College, Role, StudentProfile, TransitionLog, User

admin.site.site_header = f"{settings.SITE_NAME} · 管理后台"
admin.site.site_title = "管理后台"
admin.site.index_title = "系统管理"


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["code", "__str__"]

    def has_add_permission(self, request):
        return False  # roles are fixed by DESIGN.md and created by a migration

    def has_delete_permission(self, request, obj=None):
        return False


class StudentProfileInline(admin.StackedInline):
    model = StudentProfile
    fk_name = "user"
    can_delete = False
    autocomplete_fields = ["campus_supervisor"]
    readonly_fields = ["coursework_confirmed_by", "coursework_confirmed_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "name", "college", "email", "is_active", "is_superuser"]
    list_filter = ["roles", "college", "is_active", "is_superuser"]
    search_fields = ["username", "name", "email"]
    ordering = ["username"]
    filter_horizontal = ["roles", "groups", "user_permissions"]
    inlines = [StudentProfileInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("name", "email", "phone", "college", "roles")}),
        (
            "权限",
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "email", "college", "password1", "password2"),
            },
        ),
    )

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = ["student_number", "user", "major", "campus_supervisor", "coursework_completed"]
    list_filter = ["coursework_completed", "user__college"]
    search_fields = ["student_number", "user__name", "user__username"]
    list_select_related = ["user", "campus_supervisor"]
    autocomplete_fields = ["user", "campus_supervisor"]
    readonly_fields = ["coursework_confirmed_by", "coursework_confirmed_at"]


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    """The log is evidence: readable by superusers, never edited."""

    list_display = ["at", "content_type", "object_id", "transition_label", "by", "role"]
    list_filter = ["content_type", "role"]
    list_select_related = ["content_type", "by"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
