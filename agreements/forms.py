from django import forms


class TemplateUploadForm(forms.Form):
    document = forms.FileField(label="模板文件", help_text="DOCX 或 PDF，不超过 20 MB。")
    note = forms.CharField(label="修订说明", max_length=300, required=False)
